"""Writes the hostile-input corpus and manifest.json (run: python tests/reliability/corpus/make_corpus.py).

Each manifest entry: file, path (the public path it goes through), expect, and what must be seen.
"""
import json
from pathlib import Path

C = Path(__file__).resolve().parent
C.mkdir(parents=True, exist_ok=True)
M = []
def w(name, text, *, enc="utf-8", **entry):
    data = text if isinstance(text, bytes) else text.encode(enc)
    (C / name).write_bytes(data)
    M.append({"file": name, **entry})

# ---- lead files, driven through upload_leads(path) and leads_from_frame(pd.read_csv(path))
w("empty.csv", "", path="upload", expect="error", error="InputError", match="empty|no data|no columns",
  about="a zero-byte file")
w("header_only.csv", "Email,First Name,Company\n", path="upload", expect="error", error="InputError|LeadFrameError",
  match="no rows|no data|empty", about="a header and no rows")
w("all_empty_rows.csv", "Email,First Name\n,\n,\n , \n", path="upload", expect="rows",
  outcomes={"empty_row": 3}, reason="empty", about="every value missing (NaN after reading)")
w("no_email_column.csv", "Name,Company\nAna,Acme\nBen,Bolt\n", path="upload", expect="error",
  error="LeadFrameError", match="no email column", about="no column that looks like an email")
w("duplicate_columns.json", json.dumps({"columns": ["Email", "First Name", "Email"],
   "data": [["a@x.example", "A", "b@x.example"]]}), path="frame_json", expect="error",
  error="LeadFrameError", match="duplicate column names: 'Email'", about="two columns named Email (a frame, as pandas keeps them)")
w("duplicate_columns.csv", "Email,First Name,Email\na@x.example,A,b@x.example\n", path="upload",
  expect="rows", outcomes={"uploaded": 1}, about="two Email columns in a CSV: pandas renames the second Email.1, sent as a custom field")
w("idn_emails.csv", "Email\njosé@bücher.de\nuser@xn--bcher-kva.de\n用户@例子.广告\nana@münchen.example\n",
  path="upload", expect="rows_explained", about="internationalised (IDN) addresses, Unicode and punycode")
w("quoted_emails.csv", 'Email\n"""john doe""@example.com"\n"""a@b""@example.com"\nplain@example.com\n',
  path="upload", expect="rows_explained", about="quoted local parts")
w("emails_with_spaces.csv", "Email\nana @example.com\nben@exa mple.com\n  cy@example.com  \nd e@example.com\n",
  path="upload", expect="rows", outcomes={"invalid_email": 3, "uploaded": 1}, reason="space|invalid|not",
  about="spaces inside addresses (rejected) and around them (trimmed)")
w("long_value.csv", "Email,First Name,Notes\nana@example.com,Ana," + "x" * 10_000 + "\nben@example.com,Ben,short\n",
  path="upload", expect="rows", outcomes={"bad_value": 1, "uploaded": 1}, reason="Notes", about="a 10,000-character value")
w("long_email.csv", "Email\n" + "a" * 300 + "@example.com\nok@example.com\n", path="upload", expect="rows",
  outcomes={"invalid_email": 1, "uploaded": 1}, about="a 312-character address")
cols = ["Email"] + [f"field_{i}" for i in range(300)]
w("custom_300.csv", ",".join(cols) + "\n" + ",".join(["ana@example.com"] + [f"v{i}" for i in range(300)]) + "\n",
  path="upload", expect="error", error="LeadFrameError", match="300 custom fields", about="300 custom fields")
w("formula_strings.csv", 'Email,Company,Notes\n"=HYPERLINK(""http://evil.example"",""x"")",Acme,a\n'
  'ana@example.com,"=HYPERLINK(""http://evil.example"",""click"")","+cmd|\' /C calc\'!A0"\n'
  'ben@example.com,@SUM(A1:A9),-2+3\n',
  path="upload", expect="rows", outcomes={"invalid_email": 1, "uploaded": 2}, verbatim={"Company": ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)"]},
  about="spreadsheet formulas: as an email (rejected), as values (sent as plain text, never evaluated)")
w("emoji.csv", "Email,First Name,Company\nana@example.com,Ana 🚀,Acme 🎉\n😀@example.com,Smile,X\n",
  path="upload", expect="rows_explained", verbatim={"First Name": ["Ana 🚀"]}, about="emoji in names and in an address")
w("nul_bytes.csv", "Email,First Name\nana@example.com,An\x00a\nben@example.com,Ben\n", path="upload",
  expect="rows", outcomes={"bad_value": 1, "uploaded": 1}, reason="NUL", about="a NUL character inside a value")
w("nul_in_email.csv", "Email,First Name\nan\x00a@example.com,Ana\nben@example.com,Ben\n", path="upload",
  expect="rows", outcomes={"invalid_email": 1, "uploaded": 1}, about="a NUL character inside an address")
w("latin1.csv", "Email,First Name\njose@example.com,José\n", enc="latin-1", path="upload", expect="error",
  error="InputError", match="not UTF-8.*encoding=", about="a Latin-1 file")
w("utf16_bom.csv", "\ufeffEmail,First Name\nana@example.com,Ana\n".encode("utf-16"), path="upload",
  expect="error", error="InputError", match="not UTF-8.*encoding=", about="a UTF-16 file with a BOM")
w("utf8_bom.csv", "\ufeffEmail,First Name\nana@example.com,Ana\n", path="upload", expect="rows",
  outcomes={"uploaded": 1}, about="UTF-8 with a BOM (Excel's 'CSV UTF-8')")
w("ragged_rows.csv", "Email,First Name\nana@example.com,Ana\nben@example.com,Ben,extra,more\ncy@example.com,Cy\n",
  path="upload", expect="error", error="InputError", match="line 3|row", about="a row with more fields than the header")
w("jsonl_as_csv.csv", '{"email": "ana@example.com", "first_name": "Ana"}\n{"email": "ben@example.com", "first_name": "Ben"}\n',
  path="upload", expect="error", error="InputError|LeadFrameError", match="email", about="a JSON lines file passed as CSV")
w("semicolon_separated.csv", "Email;First Name\nana@example.com;Ana\n", path="upload", expect="error",
  error="LeadFrameError", match="no email column|sep", about="semicolons (European Excel) read as one column")
w("unterminated_quote.csv", 'Email,First Name\nana@example.com,"Ana\nben@example.com,Ben\n', path="upload",
  expect="error", error="InputError", match="quote|EOF|line", about="a quote that never closes")
w("binary_garbage.csv", bytes(range(256)) * 4, path="upload", expect="error", error="InputError",
  match="UTF-8|encoding", about="random bytes")
w("null_like_strings.csv", "Email,First Name\nNaN,A\nnull,B\nNone,C\nana@example.com,N/A\n", path="upload",
  expect="rows_explained", about="null-like words where an address should be")
w("numbers_as_email.csv", "Email\n12345\n3.14\n", path="upload", expect="rows", outcomes={"invalid_email": 2},
  about="numbers where addresses should be")
w("case_duplicates.csv", "Email\nAna@Example.com\nana@example.com \nANA@EXAMPLE.COM\n", path="upload", expect="rows",
  outcomes={"uploaded": 1, "duplicate": 2}, reason="duplicate of row 0", about="the same address three ways")
w("html_and_newlines.csv", 'Email,First Name,Notes\nana@example.com,<script>alert(1)</script>,"line1\nline2"\n',
  path="upload", expect="rows", outcomes={"uploaded": 1}, verbatim={"First Name": ["<script>alert(1)</script>"]},
  about="HTML and a multi-line quoted value: sent as text")
w("control_chars.csv", "Email,First Name\nana@example.com,A\x07\x1bB\n", path="upload", expect="rows_explained",
  about="control characters in a value")
w("empty_column_name.csv", "Email,,Company\nana@example.com,x,Acme\n", path="upload", expect="rows",
  outcomes={"uploaded": 1}, about="a column with no name (pandas calls it 'Unnamed: 1')")
w("duplicate_spellings.csv", "Email,First Name\nana@b\u00fccher.de,NFC\nana@xn--bcher-kva.de,punycode\n"
  "ana@bu\u0308cher.de,NFD\n  ANA@B\u00dcCHER.DE ,upper\nbo@b\u00fccher.de,other\n", path="upload",
  expect="rows", outcomes={"uploaded": 2, "duplicate": 3}, reason="duplicate of row 0",
  about="one mailbox spelt four ways: IDN, punycode, NFD, upper case with spaces")
# ---- upload journals: upload_leads(..., journal=path) with a copy of the file
w("garbage_journal.jsonl", b'{"state":"sending","digest":"0f","batch":1,"rows":2}\n\xff\xfe\x00\x81garbage\n',
  path="journal", expect="error", error="InputError", match="line 2 is not text",
  about="an upload journal with bytes that are not UTF-8")
w("journal_not_objects.jsonl", '[1, 2, 3]\n42\n', path="journal", expect="error", error="InputError",
  match="line 1 is not a journal entry", about="an upload journal whose lines are JSON but not entries")
# ---- schedules: sl.Schedule(**kwargs)
for name, kwargs, match, about in [
    ("tz_nonexistent", {"timezone": "Mars/Olympus_Mons"}, "unknown timezone 'Mars/Olympus_Mons'", "a timezone that does not exist"),
    ("tz_abbreviation", {"timezone": "PST"}, "PST", "an abbreviation, not an IANA name"),
    ("tz_empty", {"timezone": ""}, "timezone", "an empty timezone"),
    ("start_after_end", {"timezone": "UTC", "start": "18:00", "end": "09:00"}, "start 18:00 is not before end 09:00", "start hour after end hour"),
    ("start_equals_end", {"timezone": "UTC", "start": "9am", "end": "09:00"}, "not before end", "an empty window"),
    ("hour_25", {"timezone": "UTC", "start": "25:00"}, "25:00", "an hour that does not exist"),
    ("no_days", {"timezone": "UTC", "days": ""}, "no sending days", "no sending days"),
    ("bad_day", {"timezone": "UTC", "days": "Mon-Funday"}, "Funday", "a day that is not a day"),
    ("negative_pace", {"timezone": "UTC", "min_minutes_between_emails": -5}, "min_minutes_between_emails", "a negative pause"),
    ("zero_leads_per_day", {"timezone": "UTC", "max_new_leads_per_day": 0}, "max_new_leads_per_day", "zero new leads a day"),
    ("bad_start_time", {"timezone": "UTC", "start_time": "next tuesday"}, "start_time", "a start date that is not a date"),
]:
    w(f"schedule_{name}.json", json.dumps(kwargs, ensure_ascii=False), path="schedule", expect="error",
      error="InputError", match=match, about=about)
# ---- sequences: sequences_from_frame(pd.read_csv(path))
for name, text, match, about in [
    ("negative_delay", "seq_number,delay_in_days,subject,email_body\n1,0,Hi,Body\n2,-3,,Follow up\n", "delay_in_days", "a negative delay"),
    ("seq_number_text", "seq_number,delay_in_days,subject,email_body\none,0,Hi,Body\n", "seq_number", "a step number that is a word"),
    ("no_body_column", "seq_number,delay_in_days,subject\n1,0,Hi\n", "email_body", "no body column"),
    ("empty", "seq_number,delay_in_days,subject,email_body\n", "empty", "no steps"),
    ("missing_delay", "seq_number,delay_in_days,subject,email_body\n1,0,Hi,Body\n2,,,Again\n", "delay_in_days is empty", "a later step with no delay"),
    ("fractional_delay", "seq_number,delay_in_days,subject,email_body\n1,0,Hi,Body\n2,1.5,,Again\n", "delay_in_days", "a delay of 1.5 days"),
]:
    w(f"sequences_{name}.csv", text, path="sequences", expect="error", error="InputError", match=match, about=about)
# ---- templates: check_templates(steps, leads) and CampaignPlan(...).check() / .launch()
TPL = {"steps": [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                  "subject": "Hi {{frist_name}}", "email_body": "About {{company_name}} and {{Industry}}"}],
       "leads": [{"email": "ana@example.com", "first_name": "Ana", "company_name": "Acme"}]}
w("template_unknown_tags.json", json.dumps(TPL), path="plan", expect="plan_error",
  match="frist_name", about="unknown template tags: a typo and a custom field nobody has")
TPL2 = {"steps": [{"seq_number": 1, "seq_delay_details": {"delay_in_days": 0},
                   "subject": "Hi {{first_name", "email_body": "{Hello|Hi there"}],
        "leads": [{"email": "ana@example.com", "first_name": "Ana"}]}
w("template_malformed.json", json.dumps(TPL2), path="templates", expect="problems",
  match="first_name", about="an unclosed {{tag and unclosed spintax")
# ---- request paths: client.request(method, path, confirm=True) on a DRAFTED campaign {cid}
for name, method, path, match, about in [
    ("dot_segments_out", "DELETE", "../campaigns/{cid}", "leaves the API root",
     "dot segments that climb out of /api/v1"),
    ("encoded_slashes", "DELETE", "..%2fv1%2fcampaigns%2f{cid}", "%2f, an escaped '/'",
     "percent-encoded slashes a proxy may decode into a path"),
    ("double_encoded", "DELETE", "%252e%252e/v1/campaigns/{cid}", "double encoding",
     "dots encoded twice, read as '..' by a server that decodes twice"),
    ("backslashes", "DELETE", "..\\v1\\campaigns\\{cid}", "backslash",
     "backslashes, read as '/' by some servers"),
    ("fullwidth", "DELETE", "\uff0e\uff0e\uff0fv1\uff0fcampaigns\uff0f{cid}", r"U\+FF0E",
     "fullwidth full stops and solidus, which Unicode normalisation turns into '../'"),
    ("other_host", "DELETE", "//evil.example/api/v1/campaigns/{cid}", "names a host",
     "a scheme-relative URL to another host"),
    ("header_injection", "DELETE", "campaigns/{cid}\r\nX-Injected: 1", r"U\+000D",
     "a carriage return and a header in the path"),
    ("smuggled_key", "DELETE", "campaigns/{cid}?API%5Fkey=someone-else", "api_key",
     "a second api_key in the path's query"),
    ("spaced_method", "DEL ETE", "campaigns/{cid}", "method 'DEL ETE'",
     "a method with a space inside"),
]:
    w(f"request_{name}.json", json.dumps({"method": method, "path": path}), path="request",
      expect="error", error="InputError", match=match, about=about)
(C / "manifest.json").write_text(json.dumps(M, indent=1, ensure_ascii=False) + "\n")
print(len(M))

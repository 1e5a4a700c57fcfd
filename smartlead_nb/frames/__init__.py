"""Pure conversions between SmartLead's payloads and pandas DataFrames (no HTTP, no client).

One module per noun of SmartLead's API, then the pieces they share. ``->`` is the direction
of each conversion: an answer read into a frame, or a frame turned into what is sent.

Per noun:

==================  =========================================================================
``campaigns``       campaign list answer -> one row per campaign, the schedule flattened
``campaign_leads``  a campaign's leads (rows and the export CSV) -> DataFrame; add-leads
                    answer -> counters; lead categories -> DataFrame
``leads``           an analyst's leads DataFrame -> add-leads payloads, plus a report on
                    every row (what was sent, what was refused and why)
``global_leads``    account-wide leads answer -> one row per lead, or per lead and campaign
``contacted``       people found in other campaigns (a mirror's or SmartLead's answer) -> one
                    line per address saying where and when, for the upload report and the plan
``sequences``       sequences DataFrame <-> save-sequences steps / get-sequences answer
``email_accounts``  email-account list answer -> one row per sender, passwords dropped
``warmup``          warm-up statistics answers -> per day and per mailbox DataFrames
``inbox``           master-inbox answers -> inbox and replies DataFrames (HTML -> text)
``analytics``       campaign statistics, mailbox and lead statistics, analytics by date and
                    the ``/analytics/*`` answers -> DataFrames and records
==================  =========================================================================

Shared pieces:

==================  =========================================================================
``tidy``            any answer's records -> typed DataFrame: counts and ids ``Int64``, times
                    UTC, ``"34%"`` -> 34.0, credentials dropped (the rules every noun uses)
``csv_reader``      a leads CSV file -> DataFrame of text (leading zeros kept)
``columns``         analysts' column names -> SmartLead's lead fields
``clean``           one DataFrame column -> the text SmartLead is sent
``emails``          an email column -> syntax problems and duplicates
``lead_json``       cleaned lead columns -> lead dicts or JSON bytes
``lead_records``    one lead dict -> checked for sending; a partial update merged, compared
                    and its conflicts named
``upload_rules``    the add-leads ``ignore_*`` flags -> the ``settings`` sent with every batch,
                    which flags need a confirmation, the batching limits
``report_cells``    a report DataFrame <-> cells safe to open in a spreadsheet
==================  =========================================================================

Whether a sender mailbox is fit to send from is a rule, not a conversion:
:mod:`smartlead_nb.senders`.
"""

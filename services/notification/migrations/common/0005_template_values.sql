-- What a template needs that only the message's event gives (a claim's id, outcome and amount),
-- as a JSON object, so that the dispatcher renders the text at send time. The text itself is
-- still never stored; these values are never secrets (no codes, no names, no phones).
ALTER TABLE messages ADD COLUMN template_values TEXT;

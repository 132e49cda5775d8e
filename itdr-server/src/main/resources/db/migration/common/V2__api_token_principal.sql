-- Tokens belong to a person (issue #12): separation of duties compares principals, so one person
-- holding two tokens cannot approve their own request. Tokens issued before this migration belong
-- to whoever issued them, the safe reading (a requester and an approver minted by one admin are
-- one person).
ALTER TABLE api_tokens ADD COLUMN principal VARCHAR(300);
UPDATE api_tokens SET principal = created_by WHERE principal IS NULL;
ALTER TABLE api_tokens ALTER COLUMN principal SET NOT NULL;

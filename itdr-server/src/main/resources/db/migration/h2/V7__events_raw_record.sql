-- The platform's raw record of each event (the CloudTrail record, the Okta System Log event), as the
-- connector gave it, deflate-compressed (java.util.zip, zlib format): a policy dry-run over stored
-- events gives rule sets (Sigma) the record they match, as live intake does. Null where the event
-- came without one, and under digest retention. Kept beside the normalized body, in the same row.
ALTER TABLE events ADD COLUMN raw_record VARBINARY;

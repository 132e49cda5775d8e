-- The ledger refuses UPDATE and DELETE (DESIGN §6). H2 triggers are Java classes.
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger FOR EACH ROW CALL 'io.itdr.server.store.LedgerAppendOnlyTrigger';
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger FOR EACH ROW CALL 'io.itdr.server.store.LedgerAppendOnlyTrigger';

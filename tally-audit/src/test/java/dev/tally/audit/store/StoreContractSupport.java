package dev.tally.audit.store;

import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Lifecycle shared by the store contract suites: a fresh, empty store per test, closed after
 * it. A store implementation's test class extends {@link AuditStoreContract} and implements
 * {@link #newStore()}.
 */
public abstract class StoreContractSupport {

    protected static final String CHAIN = "gw-1";

    protected AuditStore store;
    protected TestChain chain;
    protected final Entries entries = new Entries();

    /** A new, empty store; called once per test. */
    protected abstract AuditStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
        chain = new TestChain(store, CHAIN);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}

package dev.tally.audit.store.postgres;

import dev.tally.audit.store.AuditStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;

/**
 * PostgreSQL stores for the contract suites with the rollup folder pinned to one extreme: never
 * folding (every read adds every call itself), or folding right after each commit (every read
 * finds every call in the rollup tables), instead of the background folder's timing.
 */
final class FoldingStores {

    private FoldingStores() {
    }

    /** A store on {@code database} of the shared server without a background folder. */
    static PostgresAuditStore neverFolding(String database) {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(server.storeUrl(database), server.user(), null)
                .withFoldInterval(Duration.ZERO));
    }

    /**
     * {@code store} seen through every interface it implements, folding every committed call
     * into the rollups when a commit returns (a hand-written delegate, no mocking).
     */
    static AuditStore foldingAfterEachCommit(PostgresAuditStore store) {
        InvocationHandler handler = (proxy, method, args) -> {
            try {
                Object result = method.invoke(store, args);
                if (method.getName().equals("commit")) {
                    store.foldRollups();
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (AuditStore) Proxy.newProxyInstance(FoldingStores.class.getClassLoader(),
                PostgresAuditStore.class.getInterfaces(), handler);
    }
}

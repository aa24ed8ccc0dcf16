package dev.tally.gateway.admin;

import dev.tally.audit.store.StoreException;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;

/**
 * One admin route: checks the admin token, runs the route's {@link Action} and turns its failures
 * into JSON errors — an {@link ApiException} into its status and code, a {@link StoreException}
 * into 503 {@code store_unavailable}, anything else into a logged 500 {@code internal_error}.
 * When an answer was already under way (a streamed export), the failure is rethrown so the server
 * cuts the connection and the client sees a truncated answer rather than a complete-looking one.
 *
 * <p>Runs on the request's virtual thread; returns once the answer was written. Thread-safe.
 */
final class AdminEndpoint implements Handler {

    private static final System.Logger LOG = System.getLogger(AdminEndpoint.class.getName());

    /** What a route does once the caller is authenticated. */
    @FunctionalInterface
    interface Action {
        /** Writes the answer; throws {@link ApiException} for a request it refuses. */
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    /**
     * A failure after a streamed answer began: it cannot become an error body any more, so it is
     * rethrown and the connection is cut.
     */
    static final class StreamBroken extends RuntimeException {
        StreamBroken(Throwable cause) {
            super("the answer broke off after it began: " + cause.getMessage(), cause);
        }
    }

    private final AdminAuth auth;
    private final Action action;

    AdminEndpoint(AdminAuth auth, Action action) {
        this.auth = auth;
        this.action = action;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        if (!auth.allows(req, res)) {
            return;
        }
        run(action, req, res);
    }

    /** Runs {@code action}, answering its failures as JSON errors. */
    static void run(Action action, ServerRequest req, ServerResponse res) throws Exception {
        try {
            action.handle(req, res);
        } catch (io.helidon.webserver.CloseConnectionException e) {
            throw e; // the connection is gone or must go: the server closes it
        } catch (StreamBroken e) {
            LOG.log(Level.WARNING, req.path().path() + ": " + e.getMessage());
            throw e;
        } catch (ApiException e) {
            fail(res, e, e.code(), e.getMessage(), e.param());
        } catch (StoreException e) {
            LOG.log(Level.WARNING, req.path().path() + ": the audit store failed: " + e.getMessage());
            fail(res, e, ErrorCode.STORE_UNAVAILABLE, "the audit store cannot be used now: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, req.path().path() + " failed inside the gateway", e);
            fail(res, e, ErrorCode.INTERNAL_ERROR, "the gateway failed: " + e.getClass().getSimpleName(), null);
        }
    }

    private static void fail(ServerResponse res, Exception cause, ErrorCode code, String message, String param)
            throws Exception {
        if (res.isSent()) {
            throw cause;
        }
        JsonReply.error(res, code, message, param);
    }
}

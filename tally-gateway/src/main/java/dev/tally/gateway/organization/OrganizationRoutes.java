package dev.tally.gateway.organization;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.store.StoreException;
import dev.tally.gateway.admin.AdminGuard;
import dev.tally.gateway.admin.AdminServices;
import dev.tally.gateway.proxy.ErrorBody;
import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The OpenAI-compatible Usage and Costs API: {@code GET /v1/organization/usage/completions},
 * {@code /v1/organization/usage/embeddings} and {@code /v1/organization/costs}, behind the admin
 * token, in OpenAI's parameters and shapes, answered from the rollups ({@link UsageReader}).
 * Mapping and limits: docs/spend.md, "OpenAI-compatible Usage and Costs API".
 *
 * <p>Each handler runs on the request's virtual thread and returns once the answer is written.
 * A bad parameter is a 400 in OpenAI's error shape naming it ({@code param}); a store that cannot
 * be read a 503 {@code store_unavailable}; anything else a logged 500. Thread-safe.
 */
public final class OrganizationRoutes {

    private static final System.Logger LOG = System.getLogger(OrganizationRoutes.class.getName());

    private OrganizationRoutes() {
    }

    /** Adds the three routes to {@code routing}, each behind {@code guard}. */
    public static void register(HttpRouting.Builder routing, AdminGuard guard, AdminServices services) {
        UsageReader reader = new UsageReader(services.store());
        for (Report report : Report.values()) {
            routing.get(report.path(), guard.guard(handler(report, reader, services)));
        }
    }

    private static Handler handler(Report report, UsageReader reader, AdminServices services) {
        return (req, res) -> {
            try {
                UsageRequest request = RequestParser.parse(report, req.query(),
                        services.clock().instant().getEpochSecond());
                List<Bucket> buckets = reader.page(request);
                long next = request.pageEnd();
                String nextPage = next < request.end()
                        ? new PageCursor(next, request.end(), request.fingerprint()).encode() : null;
                send(res, 200, PageJson.MAPPER.writeValueAsBytes(PageJson.page(report, buckets, nextPage)));
            } catch (BadParameter e) {
                send(res, e.code().httpStatus(), ErrorBody.json(Protocol.OPENAI, e.code(), e.getMessage(), e.param()));
            } catch (StoreException e) {
                LOG.log(Level.WARNING, report.path() + ": the audit store failed: " + e.getMessage());
                send(res, ErrorCode.STORE_UNAVAILABLE.httpStatus(), ErrorBody.json(Protocol.OPENAI,
                        ErrorCode.STORE_UNAVAILABLE, "the audit store cannot be used now: " + e.getMessage(), null));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, report.path() + " failed inside the gateway", e);
                send(res, ErrorCode.INTERNAL_ERROR.httpStatus(), ErrorBody.json(Protocol.OPENAI,
                        ErrorCode.INTERNAL_ERROR, "the gateway failed: " + e.getClass().getSimpleName(), null));
            }
        };
    }

    private static void send(ServerResponse res, int status, byte[] body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }
}

package dev.tally.gateway.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /dashboard} and the files under it: the web dashboard, a static single page that
 * reads everything through the admin API with the admin token the person signs in with. Serving
 * the page needs no token (it holds no data); every number comes from {@code /v1/admin/*}.
 *
 * <p>Every answer (404s included) carries a Content-Security-Policy that allows scripts, styles,
 * images and requests from this origin only, forbids framing, plugins and form posts elsewhere,
 * so a value from the audit log that reached the page could not run or send anything.
 * Our files are revalidated by ETag on each load; the chart library's path names its version and
 * is cached for a year. Thread-safe; returns once the answer was sent.
 */
public final class DashboardHandler implements Handler {

    /** The policy sent with every dashboard answer. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private final DashboardAssets assets;

    public DashboardHandler(DashboardAssets assets) {
        this.assets = assets;
    }

    /** Adds the dashboard's routes: {@code /dashboard} and everything under it. */
    public static void register(HttpRouting.Builder routing) {
        DashboardHandler handler = new DashboardHandler(new DashboardAssets());
        routing.get(DashboardAssets.BASE, handler);
        routing.get(DashboardAssets.BASE + "/*", handler);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
        Optional<Asset> found = assets.find(req.path().path());
        if (found.isEmpty()) {
            res.status(Status.NOT_FOUND_404);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            res.send("not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Asset asset = found.get();
        res.header(HeaderNames.CACHE_CONTROL, asset.cacheControl());
        res.header(HeaderNames.ETAG, asset.etag());
        if (matches(req, asset.etag())) {
            res.status(Status.NOT_MODIFIED_304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.send(asset.bytes());
    }

    private static boolean matches(ServerRequest req, String etag) {
        return req.headers().first(HeaderNames.IF_NONE_MATCH)
                .map(v -> {
                    for (String tag : v.split(",")) {
                        String t = tag.strip();
                        if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                            return true;
                        }
                    }
                    return false;
                })
                .orElse(false);
    }
}

package dev.tally.gateway.alerts;

import dev.tally.audit.alert.AlertOutbox;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.gateway.config.AlertSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends the budget alerts of the outbox to the webhook: one per instance, on one virtual thread
 * ({@code tally-alerts}).
 *
 * <p>Each round claims one due alert with a lease of {@code timeout} + 30 s
 * ({@link AlertOutbox#claimAlerts}: no other instance can hold it meanwhile), POSTs it signed
 * ({@link WebhookSignature}), and records the outcome under the lease: a 2xx answer marks it
 * delivered and records a {@code budget_alert_delivered} event; any other answer, a refused
 * connection or a timeout releases it for another attempt after {@code backoff} doubled per
 * attempt up to {@code max_backoff}; after {@code max_attempts} it is marked failed with a
 * {@code budget_alert_failed} event. It claims again at once while alerts are due, else waits
 * {@code poll_interval}.
 *
 * <p>Once per delivery: an alert is claimed by one instance at a time and marked delivered right
 * after its 2xx, so a receiver sees it once unless the instance dies, or cannot reach the store,
 * between the 2xx and that mark (then it is sent again after the lease, with the same
 * {@code x-tally-delivery}; receivers drop a delivery id they have already seen). The secret goes
 * into the signature only: never into a log line, the outbox, or an event. A store failure is
 * logged (at most once a minute) and counted, never fatal.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread.
 */
public final class AlertDispatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AlertDispatcher.class.getName());
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final String ACTOR = "system";

    private final AlertOutbox outbox;
    private final AlertSettings settings;
    private final URI url;
    private final AlertEvents events;
    private final Clock clock;
    private final IdSource ids;
    private final String owner;
    private final HttpClient client;
    private final AlertStats stats = new AlertStats();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;
    private volatile long lastStoreLog = Long.MIN_VALUE;

    private AlertDispatcher(AlertOutbox outbox, AlertSettings settings, AlertEvents events, Clock clock, IdSource ids,
            String owner) {
        this.outbox = outbox;
        this.settings = settings;
        this.url = settings.url().orElseThrow(() -> new IllegalArgumentException("alerts.url: missing"));
        this.events = events;
        this.clock = clock;
        this.ids = ids;
        this.owner = owner;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.thread = Thread.ofVirtual().name("tally-alerts").unstarted(this::run);
    }

    /**
     * Starts sending: {@code owner} names this instance in the leases it takes (unique per
     * instance, e.g. its chain id).
     */
    public static AlertDispatcher start(AlertOutbox outbox, AlertSettings settings, AlertEvents events, Clock clock,
            IdSource ids, String owner) {
        AlertDispatcher dispatcher = new AlertDispatcher(outbox, settings, events, clock, ids, owner);
        dispatcher.thread.start();
        return dispatcher;
    }

    public AlertStats stats() {
        return stats;
    }

    private void run() {
        Duration lease = settings.timeout().plus(LEASE_MARGIN);
        while (closing.getCount() > 0) {
            List<BudgetAlert> due;
            try {
                due = outbox.claimAlerts(owner, clock.instant(), lease, 1);
            } catch (RuntimeException e) {
                storeFailed("claiming due alerts", e);
                due = List.of();
            }
            try {
                for (BudgetAlert alert : due) {
                    deliver(alert);
                }
                if (due.isEmpty() && closing.await(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return; // closing
            }
        }
    }

    private void deliver(BudgetAlert alert) throws InterruptedException {
        int attempt = alert.attempts() + 1;
        byte[] body = AlertPayload.of(alert);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout())
                .header("content-type", "application/json")
                .header("user-agent", "tally-alerts")
                .header("x-tally-delivery", alert.id())
                .header("x-tally-timestamp", timestamp)
                .header("x-tally-attempt", Integer.toString(attempt))
                .header("x-tally-signature", WebhookSignature.sign(settings.secret().orElseThrow().reveal(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        String error;
        int status = 0;
        try {
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            error = status / 100 == 2 ? null : "http " + status;
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        Instant now = clock.instant();
        try {
            if (error == null) {
                if (outbox.alertDelivered(alert.id(), owner, attempt, now)) {
                    stats.delivered.incrementAndGet();
                    event(AdminEventType.BUDGET_ALERT_DELIVERED, alert, attempt, now, "http " + status, "delivered");
                }
            } else if (attempt >= settings.maxAttempts()) {
                if (outbox.alertFailed(alert.id(), owner, attempt, now, error)) {
                    stats.failed.incrementAndGet();
                    LOG.log(System.Logger.Level.WARNING, "alerts: gave up budget alert " + alert.id() + " ("
                            + alert.budget() + " at " + alert.threshold() + "%) after " + attempt + " attempts: " + error);
                    event(AdminEventType.BUDGET_ALERT_FAILED, alert, attempt, now, error, "given up");
                }
            } else {
                stats.retried.incrementAndGet();
                outbox.alertRetry(alert.id(), owner, attempt, now.plus(backoff(attempt)), error);
            }
        } catch (RuntimeException e) {
            storeFailed("recording the outcome of " + alert.id(), e); // the lease runs out; it is sent again
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): backoff × 2^(attempt−1), at most max_backoff. */
    Duration backoff(int attempt) {
        Duration wait = settings.backoff();
        for (int i = 1; i < attempt && wait.compareTo(settings.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait;
    }

    private void event(AdminEventType type, BudgetAlert alert, int attempts, Instant now, String outcome, String verb)
            throws InterruptedException {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("delivery_id", alert.id());
        after.put("threshold_percent", Integer.toString(alert.threshold()));
        after.put("period_start", Json.INSTANT_FORMAT.format(alert.periodStart()));
        after.put("spent_micros", Long.toString(alert.spentMicros()));
        after.put("budget_micros", Long.toString(alert.budgetMicros()));
        after.put("attempts", Integer.toString(attempts));
        after.put("outcome", outcome);
        String detail = "budget alert " + alert.id() + " " + verb + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + " (" + outcome + "): " + alert.budget() + " reached "
                + alert.threshold() + "% of $" + AlertPayload.usd(alert.budgetMicros()) + " per "
                + Json.wire(alert.period()) + " (spent $" + AlertPayload.usd(alert.spentMicros()) + ")";
        try {
            events.record(new AdminEvent(ids.next(), now, type, ACTOR, alert.budget(), Map.of(), after, detail));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "alerts: the event of " + alert.id() + " (" + verb + ") could be neither "
                    + "stored nor spilled: " + e.getMessage());
        }
    }

    private void storeFailed(String what, RuntimeException e) {
        stats.storeErrors.incrementAndGet();
        long now = System.nanoTime();
        if (lastStoreLog == Long.MIN_VALUE || now - lastStoreLog > TimeUnit.MINUTES.toNanos(1)) {
            lastStoreLog = now;
            LOG.log(System.Logger.Level.WARNING, "alerts: " + what + " failed (retried at the next poll; "
                    + stats.storeErrors() + " store errors so far): " + e.getMessage());
        }
    }

    /** Stops after the current attempt; waits up to {@code timeout} + 1 s for it. */
    @Override
    public void close() {
        closing.countDown();
        thread.interrupt();
        try {
            thread.join(settings.timeout().plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}

package dev.tally.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.audit.alert.AlertBudget;
import dev.tally.audit.alert.AlertRules;
import dev.tally.audit.alert.AlertState;
import dev.tally.audit.alert.BudgetAlert;
import dev.tally.audit.alert.BudgetKind;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.testing.TestChain;
import dev.tally.gateway.config.AlertSettings;
import dev.tally.gateway.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher against a real webhook receiver over a socket, with a real SQLite outbox: a
 * crossed threshold arrives once, signed so the receiver's own check passes; a receiver that is
 * down for a while gets it once when it is back; one that refuses the signature gets it until
 * the last attempt, and the give-up is an event.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AlertDispatcherTest {

    private static final String SECRET = "whsec-test-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private SqliteAuditStore store;
    private final Entries entries = new Entries();
    private final List<AdminEvent> events = new CopyOnWriteArrayList<>();
    private AlertDispatcher dispatcher;
    private WebhookReceiver receiver;

    @BeforeEach
    void open() {
        store = SqliteAuditStore.open(dir.resolve("tally.db"));
        store.alertRules(new AlertRules(List.of(), List.of(
                new AlertBudget(BudgetKind.TAG, "team=search", 100_000_000L, BudgetPeriod.MONTH, List.of(50, 80, 100)))));
    }

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        store.close();
    }

    private void spend(long micros) {
        new TestChain(store, "gw-1").append(entries.call(Entries.T0).tags(Map.of("team", "search")).costMicros(micros)
                .build());
    }

    private AlertDispatcher start(String url, int maxAttempts) {
        AlertSettings settings = new AlertSettings(Optional.of(URI.create(url)), Optional.of(new Secret(SECRET)),
                List.of(50, 80, 100), List.of(), Duration.ofSeconds(2), maxAttempts, Duration.ofMillis(20),
                Duration.ofMillis(200), Duration.ofMillis(20));
        dispatcher = AlertDispatcher.start(store, settings, events::add, Clock.systemUTC(),
                IdSource.fast(Clock.systemUTC()), "gw-1");
        return dispatcher;
    }

    @Test
    void aCrossedThresholdArrivesOnceSignedAndIsAnEvent() throws Exception {
        receiver = new WebhookReceiver(SECRET, 0).start();
        spend(80_120_000); // $80.12 of $100: 50 and 80 at once
        start(receiver.url(), 5);

        await(() -> store.alerts(AlertState.DELIVERED, 10).size() == 2);
        assertThat(receiver.deliveries()).hasSize(2).allSatisfy(d -> {
            assertThat(d.valid()).as("signature checks out in the receiver").isTrue();
            assertThat(d.attempt()).isEqualTo("1");
        });
        JsonNode body = JSON.readTree(receiver.deliveries().stream()
                .filter(d -> d.body().contains("\"threshold_percent\":80")).findFirst().orElseThrow().body());
        assertThat(body.path("type").asText()).isEqualTo("budget.threshold_crossed");
        assertThat(body.path("budget").path("id").asText()).isEqualTo("tag:team=search");
        assertThat(body.path("budget").path("period").asText()).isEqualTo("month");
        assertThat(body.path("budget").path("period_start").asText()).isEqualTo("2026-03-01T00:00:00.000Z");
        assertThat(body.path("budget").path("amount_usd").asText()).isEqualTo("100.00");
        assertThat(body.path("spent_usd").asText()).isEqualTo("80.12");
        assertThat(body.path("spent_micros").asLong()).isEqualTo(80_120_000);
        assertThat(body.path("delivery_id").asText()).startsWith("alrt_");
        assertThat(receiver.deliveries()).extracting(WebhookReceiver.Delivery::id)
                .containsExactlyInAnyOrderElementsOf(store.alerts(null, 10).stream().map(BudgetAlert::id).toList());

        await(() -> events.size() == 2);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(AdminEventType.BUDGET_ALERT_DELIVERED);
            assertThat(e.target()).isEqualTo("tag:team=search");
            assertThat(e.after()).containsEntry("attempts", "1").containsEntry("outcome", "http 204");
            assertThat(e.toString()).doesNotContain(SECRET);
        });
        // Nothing more is sent: the 100% threshold is not crossed, the others are delivered.
        Thread.sleep(200);
        assertThat(receiver.deliveries()).hasSize(2);
        assertThat(dispatcher.stats().delivered()).isEqualTo(2);
    }

    @Test
    void aReceiverThatIsDownForAWhileGetsTheAlertOnceWhenBack() throws Exception {
        receiver = new WebhookReceiver(SECRET, 0); // its port is known, nothing listens yet
        spend(100_000_000);
        start(receiver.url(), 1_000);

        await(() -> store.alerts(null, 10).stream().allMatch(a -> a.attempts() >= 3));
        assertThat(store.alerts(AlertState.PENDING, 10)).hasSize(3)
                .allSatisfy(a -> assertThat(a.lastError()).startsWith("ConnectException"));
        assertThat(events).isEmpty();

        receiver.start();
        await(() -> store.alerts(AlertState.DELIVERED, 10).size() == 3);
        Thread.sleep(300); // several polls and back-offs later, still nothing sent twice
        assertThat(receiver.deliveries()).hasSize(3).allSatisfy(d -> assertThat(d.valid()).isTrue());
        assertThat(receiver.deliveries()).extracting(WebhookReceiver.Delivery::id).doesNotHaveDuplicates();
        assertThat(receiver.deliveries()).allSatisfy(d -> assertThat(Integer.parseInt(d.attempt())).isGreaterThan(3));
        await(() -> events.size() == 3);
        assertThat(events).extracting(AdminEvent::type).containsOnly(AdminEventType.BUDGET_ALERT_DELIVERED);
        assertThat(dispatcher.stats().retried()).isGreaterThanOrEqualTo(9);
    }

    @Test
    void aReceiverRefusingTheSignatureGetsItUntilTheLastAttemptAndTheGiveUpIsAnEvent() throws Exception {
        receiver = new WebhookReceiver("a-different-secret-0000", 0).start();
        spend(50_000_000);
        start(receiver.url(), 3);

        await(() -> store.alerts(AlertState.FAILED, 10).size() == 1);
        assertThat(receiver.deliveries()).hasSize(3).allSatisfy(d -> assertThat(d.valid()).isFalse());
        assertThat(receiver.deliveries()).extracting(WebhookReceiver.Delivery::attempt).containsExactly("1", "2", "3");
        assertThat(store.alerts(AlertState.FAILED, 10).getFirst()).satisfies(a -> {
            assertThat(a.attempts()).isEqualTo(3);
            assertThat(a.lastError()).isEqualTo("http 401");
        });
        await(() -> events.size() == 1);
        assertThat(events.getFirst().type()).isEqualTo(AdminEventType.BUDGET_ALERT_FAILED);
        assertThat(events.getFirst().after()).containsEntry("outcome", "http 401").containsEntry("attempts", "3");
        assertThat(dispatcher.stats().failed()).isEqualTo(1);
        // The same requests check out under the right secret: it was the secret, not the bytes.
        WebhookReceiver.Delivery d = receiver.deliveries().getFirst();
        assertThat(WebhookSignature.verify(SECRET, d.signature(), d.timestamp(),
                d.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), java.time.Instant.now(), Duration.ofMinutes(5)))
                .isTrue();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s");
            }
            Thread.sleep(10);
        }
    }
}

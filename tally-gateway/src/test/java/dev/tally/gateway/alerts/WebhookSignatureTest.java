package dev.tally.gateway.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The webhook signature, pinned to the worked example of docs/spend.md ("Budget alerts"), which
 * was computed independently (Python's hmac module); and what a receiver's check refuses.
 */
class WebhookSignatureTest {

    private static final String SECRET = "whsec_example_0123456789";
    private static final String TIMESTAMP = "1796083200"; // 2026-12-01T00:00:00Z
    private static final byte[] BODY = ("{\"type\":\"budget.threshold_crossed\",\"delivery_id\":"
            + "\"alrt_3f1c0a9b7e2d4c6f8a1b2c3d\",\"threshold_percent\":80}").getBytes(StandardCharsets.UTF_8);
    private static final String EXPECTED = "v1=42a746dbca0a26336784b681ef009ee2356a06f930dc91298150fb2fbc40f83b";
    private static final Instant SENT = Instant.ofEpochSecond(1_796_083_200L);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void theDocumentedExampleSignsAsDocumented() {
        assertThat(WebhookSignature.sign(SECRET, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
        assertThat(WebhookSignature.verify(SECRET, EXPECTED, TIMESTAMP, BODY, SENT.plusSeconds(30), TOLERANCE)).isTrue();
    }

    @Test
    void aReceiverRefusesAnyChangeTheWrongSecretAndAnOldTimestamp() {
        byte[] altered = new String(BODY, StandardCharsets.UTF_8).replace("80", "50").getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, EXPECTED, TIMESTAMP, altered, SENT, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify("whsec_another_secret_000", EXPECTED, TIMESTAMP, BODY, SENT, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, EXPECTED, "1796083201", BODY, SENT, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, EXPECTED, TIMESTAMP, BODY, SENT.plus(Duration.ofMinutes(6)), TOLERANCE))
                .as("a replay six minutes later").isFalse();
        assertThat(WebhookSignature.verify(SECRET, EXPECTED.replace("v1=", "v2="), TIMESTAMP, BODY, SENT, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "v1=zz", TIMESTAMP, BODY, SENT, TOLERANCE)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, null, TIMESTAMP, BODY, SENT, TOLERANCE)).isFalse();
    }
}

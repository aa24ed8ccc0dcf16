package dev.tally.gateway.keys;

import dev.tally.audit.testing.FaultyStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key change whose audit record cannot be written does not happen. */
class AuditFailureTest {

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

    @Test
    void whenTheAuditWriteFailsCreateUpdateAndRevokeChangeNothing() throws Exception {
        FaultyStore store = new FaultyStore(SqliteAuditStore.open(dir.resolve("tally.db")));
        try (StoreFixture fx = new StoreFixture(dir, clock, store)) {
            CreatedKey created = fx.keys.create(KeySettings.named("ci-bot").withRequestsPerMinute(60L), "test");
            KeyAuthenticator auth = new KeyAuthenticator(fx.keys, clock, BruteForcePolicy.DEFAULT, d -> { });

            store.down = true;

            assertThatThrownBy(() -> fx.keys.create(KeySettings.named("second"), "test"))
                    .isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> fx.keys.update("ci-bot", s -> s.withRequestsPerMinute(1L), "test"))
                    .isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> fx.keys.revoke("ci-bot", "test"))
                    .isInstanceOf(StoreException.class);

            assertThat(fx.store.keyByName("second")).isEmpty();
            VirtualKey stored = fx.store.key(created.key().id()).orElseThrow();
            assertThat(stored).isEqualTo(created.key());
            assertThat(auth.authenticate(created.secret(), "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);
            assertThat(fx.adminEvents()).extracting(e -> e.type()).containsExactly(AdminEventType.KEY_CREATED);
            store.down = false;
        }
    }
}

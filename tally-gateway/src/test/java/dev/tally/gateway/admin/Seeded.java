package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.keys.KeySettings;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Six calls over three days through the proxy, the traffic most admin tests read back:
 *
 * <pre>
 * #  started_at            key     model        provider  user   tags                       status
 * 1  2026-11-20T10:00:00Z  team-a  gpt-4o       openai    alice  pipeline=nightly           success (1000 in, 200 out)
 * 2  2026-11-20T11:30:00Z  team-a  gpt-4o-mini  backup    bob                               success (500 in, 100 out)
 * 3  2026-11-21T09:00:00Z  team-b  gpt-4o       openai    alice  pipeline=daily, tier=gold  success (2000 in, 400 out)
 * 4  2026-11-21T12:00:00Z  team-b  gpt-4o       openai    -                                 error (provider 400)
 * 5  2026-11-22T08:00:00Z  team-a  no-such      -         -                                 refused (unknown model)
 * 6  2026-11-22T09:15:00Z  team-a  free-model   openai    carol                             success, unpriced (10 in, 5 out)
 * </pre>
 */
final class Seeded {

    final String teamB;
    final String teamBId;
    /** Record ids in the order above (index 0 = call 1). */
    final List<String> ids = new ArrayList<>();

    Seeded(AdminFixture fx) throws Exception {
        var created = fx.gateway.keys().create(KeySettings.named("team-b"), "test");
        teamB = created.secret();
        teamBId = created.key().id();
        fx.at("2026-11-20T10:00:00Z");
        add(fx.chat(fx.clientKey, "gpt-4o", "alice", 1000, 200, "x-tally-tag-pipeline", "nightly"), 200);
        fx.at("2026-11-20T11:30:00Z");
        add(fx.chat(fx.clientKey, "gpt-4o-mini", "bob", 500, 100), 200);
        fx.at("2026-11-21T09:00:00Z");
        add(fx.chat(teamB, "gpt-4o", "alice", 2000, 400, "x-tally-tag-pipeline", "daily", "x-tally-tag-tier", "gold"), 200);
        fx.at("2026-11-21T12:00:00Z");
        add(fx.failingChat(teamB, "gpt-4o", 400), 400);
        fx.at("2026-11-22T08:00:00Z");
        add(fx.chatRequest(fx.clientKey, "no-such", null), 404);
        fx.at("2026-11-22T09:15:00Z");
        add(fx.chat(fx.clientKey, "free-model", "carol", 10, 5), 200);
        fx.recorder.flush();
    }

    private void add(HttpResponse<String> res, int expectedStatus) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(expectedStatus);
        ids.add(res.headers().firstValue("x-request-id").orElseThrow());
    }

    /** The ids of calls {@code numbers} (1-based, as in the table), newest first. */
    List<String> newestFirst(int... numbers) {
        List<String> out = new ArrayList<>();
        for (int i = numbers.length - 1; i >= 0; i--) {
            out.add(ids.get(numbers[i] - 1));
        }
        return out;
    }
}

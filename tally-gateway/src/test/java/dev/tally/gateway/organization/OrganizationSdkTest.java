package dev.tally.gateway.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.admin.organization.usage.UsageCompletionsParams;
import com.openai.models.admin.organization.usage.UsageCompletionsResponse;
import com.openai.models.admin.organization.usage.UsageCostsParams;
import com.openai.models.admin.organization.usage.UsageCostsResponse;
import com.openai.models.admin.organization.usage.UsageEmbeddingsParams;
import com.openai.models.admin.organization.usage.UsageEmbeddingsResponse;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool written for OpenAI's admin API reads Tally unchanged: the official OpenAI Java SDK's
 * {@code admin().organization().usage()} service, pointed at the gateway with the admin token as
 * its admin key, sends its own query encoding ({@code group_by[]=...}) and parses the answers
 * into its model classes, which {@code validate()} against OpenAI's schema.
 */
class OrganizationSdkTest {

    static final long NOV_1 = OrganizationApiContract.NOV_1;
    static final long NOV_2 = OrganizationApiContract.NOV_2;

    @TempDir
    Path dir;
    OrganizationFixture fx;
    OpenAIClient openai;
    String keyA;

    @BeforeEach
    void start() throws Exception {
        fx = new OrganizationFixture(dir, SqliteAuditStore.open(dir.resolve("tally.db")));
        String[] a = fx.key("team-a");
        keyA = a[0];
        for (int i = 0; i < 5; i++) {
            fx.chat("2024-11-01T1" + i + ":00:00Z", a[1], "gpt-4o", i % 2 == 0 ? "alice" : "bob", "alpha", 200, 80, 100);
        }
        fx.embed("2024-11-01T15:00:00Z", a[1], "alice", null, 8);
        fx.embed("2024-11-02T15:00:00Z", a[1], "alice", null, 8);
        fx.clock.set(Instant.parse("2024-11-03T12:00:00Z"));
        fx.recorder.flush();
        openai = client(OrganizationFixture.ADMIN_TOKEN);
    }

    private OpenAIClient client(String adminKey) {
        return OpenAIOkHttpClient.builder().adminApiKey(adminKey).baseUrl(fx.uri("/v1").toString()).maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        openai.close();
        fx.close();
    }

    @Test
    void completions_parse_into_the_sdk_models() {
        UsageCompletionsResponse page = openai.admin().organization().usage().completions(UsageCompletionsParams
                .builder().startTime(NOV_1).endTime(NOV_2).bucketWidth(UsageCompletionsParams.BucketWidth._1D)
                .addGroupBy(UsageCompletionsParams.GroupBy.MODEL).addGroupBy(UsageCompletionsParams.GroupBy.API_KEY_ID)
                .addGroupBy(UsageCompletionsParams.GroupBy.PROJECT_ID).addModel("gpt-4o").build()).validate();
        assertThat(page.hasMore()).isFalse();
        assertThat(page.nextPage()).isEmpty();
        assertThat(page.data()).hasSize(1);
        assertThat(page.data().getFirst().startTime()).isEqualTo(NOV_1);
        var result = page.data().getFirst().results().getFirst().asOrganizationUsageCompletions();
        assertThat(result.inputTokens()).isEqualTo(1000);
        assertThat(result.inputCachedTokens()).contains(400L);
        assertThat(result.inputUncachedTokens()).contains(600L);
        assertThat(result.outputTokens()).isEqualTo(500);
        assertThat(result.numModelRequests()).isEqualTo(5);
        assertThat(result.model()).contains("gpt-4o");
        assertThat(result.apiKeyId()).contains(keyA);
        assertThat(result.projectId()).contains("alpha");
        assertThat(result.userId()).isEmpty();
        assertThat(result.batch()).isEmpty();
    }

    @Test
    void embeddings_and_costs_parse_into_the_sdk_models() {
        UsageEmbeddingsResponse embeddings = openai.admin().organization().usage().embeddings(UsageEmbeddingsParams
                .builder().startTime(NOV_1).endTime(NOV_2 + 86_400)
                .addGroupBy(UsageEmbeddingsParams.GroupBy.USER_ID).build()).validate();
        assertThat(embeddings.data()).hasSize(2);
        for (var bucket : embeddings.data()) {
            var result = bucket.results().getFirst().asOrganizationUsageEmbeddings();
            assertThat(result.inputTokens()).isEqualTo(8);
            assertThat(result.numModelRequests()).isEqualTo(1);
            assertThat(result.userId()).contains("alice");
        }
        UsageCostsResponse costs = openai.admin().organization().usage().costs(UsageCostsParams.builder()
                .startTime(NOV_1).endTime(NOV_2).addGroupBy(UsageCostsParams.GroupBy.LINE_ITEM).build()).validate();
        List<String> lines = new ArrayList<>();
        for (var r : costs.data().getFirst().results()) {
            var cost = r.asOrganizationCosts();
            lines.add(cost.lineItem().orElseThrow() + " " + cost.amount().orElseThrow().value().orElseThrow() + " "
                    + cost.amount().orElseThrow().currency().orElseThrow());
        }
        assertThat(lines).containsExactly("gpt-4o 0.06 usd", "text-embedding-3-small 0.0 usd");
    }

    @Test
    void the_sdk_pages_with_next_page() {
        List<Long> starts = new ArrayList<>();
        UsageCompletionsParams.Builder params = UsageCompletionsParams.builder().startTime(NOV_1 - 86_400).limit(1);
        String page = null;
        do {
            if (page != null) {
                params.page(page);
            }
            UsageCompletionsResponse answer = openai.admin().organization().usage().completions(params.build()).validate();
            answer.data().forEach(b -> starts.add(b.startTime()));
            page = answer.nextPage().orElse(null);
        } while (page != null);
        assertThat(starts).containsExactly(NOV_1 - 86_400, NOV_1, NOV_2, NOV_2 + 86_400);
    }

    @Test
    void the_sdk_raises_its_errors_for_a_bad_parameter_and_a_wrong_key() {
        assertThatThrownBy(() -> openai.admin().organization().usage().completions(UsageCompletionsParams.builder()
                .startTime(NOV_1).limit(32).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("limit: 32 (expected: 1..31 for bucket_width 1d)");
        OpenAIClient wrong = client("tadm-not-the-token");
        try {
            assertThatThrownBy(() -> wrong.admin().organization().usage().costs(UsageCostsParams.builder()
                    .startTime(NOV_1).build())).isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
    }
}

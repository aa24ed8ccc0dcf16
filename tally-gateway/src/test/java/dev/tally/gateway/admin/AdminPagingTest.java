package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paging {@code /v1/admin/logs} while calls keep arriving: every record present at the first page exactly once, in order. */
class AdminPagingTest {

    @TempDir
    Path dir;

    @Test
    void pages_are_stable_under_concurrent_inserts_even_within_one_millisecond() throws Exception {
        try (AdminFixture fx = AdminFixture.start(dir)) {
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                // half the calls share one start time, so only the storage order separates them
                fx.at(i < 12 ? "2026-11-20T10:00:00Z" : "2026-11-20T10:00:0" + (i % 10) + "Z");
                HttpResponse<String> res = fx.chat(fx.clientKey, "gpt-4o", "u" + i, 1, 1);
                before.add(res.headers().firstValue("x-request-id").orElseThrow());
            }
            JsonNode firstPage = fx.adminJson("/v1/admin/logs?limit=5");
            List<String> paged = new ArrayList<>();
            List<String> firstIds = new ArrayList<>();
            firstPage.path("data").forEach(r -> firstIds.add(r.path("id").asText()));
            List<String> arrived = new CopyOnWriteArrayList<>();
            List<String> arrivedNewer = new CopyOnWriteArrayList<>();
            AtomicBoolean paging = new AtomicBoolean(true);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    while (paging.get()) {
                        // alternately a call started now, and one that started long ago and ends now
                        boolean newer = arrived.size() % 2 == 0;
                        fx.at(newer ? "2026-11-20T10:00:30Z" : "2026-11-20T10:00:00Z");
                        HttpResponse<String> res = fx.chat(fx.clientKey, "gpt-4o", "late", 1, 1);
                        String id = res.headers().firstValue("x-request-id").orElseThrow();
                        arrived.add(id);
                        if (newer) {
                            arrivedNewer.add(id);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            String cursor = firstPage.path("next_cursor").asText();
            int pages = 1;
            while (!cursor.isEmpty() && !cursor.equals("null")) {
                while (arrived.size() < pages * 2 && writer.isAlive()) {
                    Thread.onSpinWait(); // let calls land between every two pages
                }
                JsonNode page = fx.adminJson("/v1/admin/logs?limit=5&cursor=" + cursor);
                page.path("data").forEach(r -> paged.add(r.path("id").asText()));
                cursor = page.path("next_cursor").isNull() ? "" : page.path("next_cursor").asText();
                pages++;
            }
            paging.set(false);
            writer.join();

            List<String> all = new ArrayList<>(firstIds);
            all.addAll(paged);
            List<String> olderThanFirstPage = all.subList(firstIds.size(), all.size());
            assertThat(arrived).isNotEmpty();
            assertThat(olderThanFirstPage).as("calls newer than the first page never appear after it")
                    .doesNotContainAnyElementsOf(arrivedNewer);
            assertThat(all).doesNotHaveDuplicates();
            assertThat(all.stream().filter(before::contains).toList()).as("every earlier record once, newest first")
                    .containsExactlyElementsOf(newestFirst(fx, before));
        }
    }

    /** The seeded ids in the API's order: started_at descending, then storage order descending. */
    private static List<String> newestFirst(AdminFixture fx, List<String> ids) throws Exception {
        List<String> out = new ArrayList<>();
        fx.adminJson("/v1/admin/logs?limit=1000").path("data").forEach(r -> {
            if (ids.contains(r.path("id").asText())) {
                out.add(r.path("id").asText());
            }
        });
        assertThat(out).hasSameSizeAs(ids);
        return out;
    }
}

package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/admin/export}: ndjson and csv, the logs filters, formula-safe CSV, a large export streamed. */
class AdminExportTest {

    @TempDir
    Path dir;

    private AdminFixture fx;
    private Seeded seeded;
    private String hostile;

    @BeforeEach
    void seed() throws Exception {
        fx = AdminFixture.start(dir);
        seeded = new Seeded(fx);
        fx.at("2026-11-22T10:00:00Z");
        HttpResponse<String> res = fx.chat(fx.clientKey, "gpt-4o", null, 5, 5,
                "x-tally-user", "=HYPERLINK(\"http://evil.example\",\"click\")", "x-tally-tag-note", "@SUM(1,2)");
        hostile = res.headers().firstValue("x-request-id").orElseThrow();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private HttpResponse<String> export(String query) throws Exception {
        return fx.admin("/v1/admin/export" + query);
    }

    @Test
    void ndjson_is_one_canonical_record_per_line_newest_first() throws Exception {
        HttpResponse<String> res = export("?format=ndjson");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).contains("application/x-ndjson");
        assertThat(res.headers().firstValue("content-disposition")).contains("attachment; filename=\"tally-calls.ndjson\"");
        String[] lines = res.body().split("\n");
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            JsonNode r = AdminFixture.JSON.readTree(line);
            assertThat(r.path("kind").asText()).isEqualTo("call");
            ids.add(r.path("id").asText());
        }
        List<String> expected = new ArrayList<>(List.of(hostile));
        expected.addAll(seeded.newestFirst(1, 2, 3, 4, 5, 6));
        assertThat(ids).containsExactlyElementsOf(expected);
        assertThat(res.body()).endsWith("\n");
        assertThat(fx.adminJson("/v1/admin/logs").path("data").get(1).toString()).isEqualTo(lines[1]);
        assertThat(export("").body()).as("ndjson is the default").isEqualTo(res.body());
    }

    @Test
    void the_logs_filters_apply() throws Exception {
        assertThat(export("?status=error").body().split("\n")).hasSize(1);
        assertThat(export("?key=team-b&format=csv").body().split("\r\n")).hasSize(3);
        assertThat(export("?since=2026-11-21&until=2026-11-22&model=gpt-4o").body().split("\n")).hasSize(2);
        assertThat(export("?tag=pipeline:nightly").body()).contains(seeded.ids.getFirst());
    }

    @Test
    void csv_has_a_header_quotes_per_rfc_4180_and_defuses_formulas() throws Exception {
        HttpResponse<String> res = export("?format=csv");

        assertThat(res.headers().firstValue("content-type")).contains("text/csv; charset=utf-8");
        List<List<String>> rows = Rfc4180.parse(res.body());
        assertThat(rows.getFirst()).isEqualTo(CsvFormat.COLUMNS);
        assertThat(rows).hasSize(8);
        assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(CsvFormat.COLUMNS.size()));
        List<String> hostileRow = rows.get(1);
        assertThat(hostileRow.get(0)).isEqualTo(hostile);
        assertThat(hostileRow.get(CsvFormat.COLUMNS.indexOf("user")))
                .isEqualTo("'=HYPERLINK(\"http://evil.example\",\"click\")");
        assertThat(hostileRow.get(CsvFormat.COLUMNS.indexOf("tags"))).isEqualTo("{\"note\":\"@SUM(1,2)\"}");
        for (List<String> row : rows) {
            for (String cell : row) {
                assertThat(cell).as("no cell may start a formula").doesNotStartWith("=").doesNotStartWith("+")
                        .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
            }
        }
        List<String> first = rows.get(7);
        assertThat(first.get(CsvFormat.COLUMNS.indexOf("started_at"))).isEqualTo("2026-11-20T10:00:00.000Z");
        assertThat(first.get(CsvFormat.COLUMNS.indexOf("cost_micros"))).isEqualTo("4500");
        assertThat(rows.get(2).get(CsvFormat.COLUMNS.indexOf("cost_micros"))).as("unpriced: empty, never 0").isEmpty();
    }

    @Test
    void an_unknown_format_is_400() throws Exception {
        HttpResponse<String> res = export("?format=xml");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("format: 'xml' (expected: ndjson or csv)");
        assertThat(export("?limit=5").statusCode()).isEqualTo(400);
    }

    @Test
    void a_large_export_streams_every_record_once_while_calls_keep_arriving() throws Exception {
        IdSource ids = new IdSource(fx.clock, new SecureRandom());
        int bulk = 4000;
        Instant start = Instant.parse("2026-10-01T00:00:00Z");
        for (int i = 0; i < bulk; i++) {
            fx.recorder.record(CallRecord.builder().id(ids.next()).startedAt(start.plusSeconds(i)).status(CallStatus.SUCCESS)
                    .model("bulk").provider("openai").user(i % 7 == 0 ? "-" + i : "u" + i).inputTokens((long) i)
                    .tags(Map.of("batch", "b" + i % 3)).build());
        }
        fx.recorder.flush();
        int total = bulk + 7;

        for (String format : List.of("ndjson", "csv")) {
            HttpRequest request = HttpRequest.newBuilder(fx.uri("/v1/admin/export?format=" + format))
                    .header("authorization", "Bearer " + AdminFixture.ADMIN_TOKEN).build();
            HttpResponse<java.io.InputStream> res = fx.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.headers().firstValue("content-length")).as("streamed, length unknown").isEmpty();
            Set<String> seen = new HashSet<>();
            int lines = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines++;
                    if (lines == 10) {
                        // calls arriving during the export are newer than its first page: not included
                        fx.chat(fx.clientKey, "gpt-4o", null, 1, 1);
                    }
                    if (format.equals("csv") && lines == 1) {
                        continue;
                    }
                    seen.add(format.equals("csv") ? line.substring(0, line.indexOf(',')) : AdminFixture.JSON.readTree(line).path("id").asText());
                }
            }
            assertThat(seen).as(format).hasSize(total);
            assertThat(lines).as(format).isEqualTo(format.equals("csv") ? total + 1 : total);
            total++;
        }
    }

    /** A strict RFC 4180 reader for the test: quoted cells, doubled quotes, CRLF rows. */
    static final class Rfc4180 {
        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    row.add(cell.toString());
                    cell.setLength(0);
                } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    row.add(cell.toString());
                    cell.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                    i++;
                } else {
                    cell.append(c);
                }
            }
            assertThat(row).as("the text ends with CRLF").isEmpty();
            return rows;
        }
    }
}

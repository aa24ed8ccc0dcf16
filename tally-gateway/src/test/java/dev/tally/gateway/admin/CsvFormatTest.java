package dev.tally.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CSV cells: RFC 4180 quoting, and every cell a spreadsheet would run as a formula turned into text. */
class CsvFormatTest {

    @Test
    void cells_are_quoted_per_rfc_4180_and_never_start_a_formula() {
        assertThat(CsvFormat.cell("plain")).isEqualTo("plain");
        assertThat(CsvFormat.cell("=1+2")).isEqualTo("'=1+2");
        assertThat(CsvFormat.cell("+cmd|' /C calc'!A0")).isEqualTo("'+cmd|' /C calc'!A0");
        assertThat(CsvFormat.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(CsvFormat.cell("@SUM(A1:A2)")).isEqualTo("'@SUM(A1:A2)");
        assertThat(CsvFormat.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvFormat.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvFormat.cell("=HYPERLINK(\"http://x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assertThat(CsvFormat.cell("a=b")).isEqualTo("a=b");
        assertThat(CsvFormat.cell("1500")).isEqualTo("1500");
    }

    @Test
    void tab_cr_and_line_breaks_are_defused_and_quoted() {
        assertThat(CsvFormat.cell("\t=1")).isEqualTo("'\t=1");
        assertThat(CsvFormat.cell("\r=1")).isEqualTo("\"'\r=1\"");
        assertThat(CsvFormat.cell("line1\nline2")).isEqualTo("\"line1\nline2\"");
        assertThat(CsvFormat.cell(null)).isEmpty();
        assertThat(CsvFormat.cell("")).isEmpty();
    }

    @Test
    void a_row_has_one_cell_per_column_in_header_order() {
        CallRecord r = CallRecord.builder().id("0190-x").startedAt(Instant.parse("2026-11-20T10:00:00.123Z"))
                .status(CallStatus.ERROR).user("=evil()").tags(Map.of("tier", "gold", "job", "a,b"))
                .toolCalls(List.of("search")).inputTokens(12L).costMicros(450L).errorMessage("bad \"thing\"").build();

        String row = CsvFormat.row(r);

        assertThat(CsvFormat.header()).startsWith("id,started_at,duration_ms,").endsWith(",payload,cache_write_1h_tokens,audio_input_tokens,audio_output_tokens,image_input_tokens,service_tier,priced_model\r\n");
        assertThat(row).endsWith("\r\n");
        assertThat(row).startsWith("0190-x,2026-11-20T10:00:00.123Z,,,,");
        assertThat(row).contains(",'=evil(),").contains(",\"{\"\"job\"\":\"\"a,b\"\",\"\"tier\"\":\"\"gold\"\"}\",")
                .contains(",error,").contains(",\"bad \"\"thing\"\"\",").contains(",\"[\"\"search\"\"]\",");
    }
}

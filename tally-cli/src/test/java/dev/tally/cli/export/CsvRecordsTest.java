package dev.tally.cli.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {

    @Test
    void cellsThatSpreadsheetsWouldRunAsFormulasGetALeadingQuote() {
        assertThat(CsvRecords.cell("=1+1")).isEqualTo("'=1+1");
        assertThat(CsvRecords.cell("+33 1 23")).isEqualTo("'+33 1 23");
        assertThat(CsvRecords.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(CsvRecords.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvRecords.cell("\t=cmd")).isEqualTo("'\t=cmd");
        assertThat(CsvRecords.cell("\r=cmd")).isEqualTo("\"'\r=cmd\"");
        assertThat(CsvRecords.cell("=A1,B1")).isEqualTo("\"'=A1,B1\"");
    }

    @Test
    void ordinaryCellsAreLeftAloneAndSpecialCharactersQuoted() {
        assertThat(CsvRecords.cell("gpt-4o")).isEqualTo("gpt-4o");
        assertThat(CsvRecords.cell("a=b")).isEqualTo("a=b");
        assertThat(CsvRecords.cell("150")).isEqualTo("150");
        assertThat(CsvRecords.cell(null)).isEmpty();
        assertThat(CsvRecords.cell("")).isEmpty();
        assertThat(CsvRecords.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvRecords.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvRecords.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    @Test
    void progressBarShowsShareAndCountAndEndsWithASummary() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), 4_000L);

        progress.update(1_000);
        progress.update(4_000);
        progress.finish(4_000, "out.csv");

        assertThat(text.toString()).isEqualTo("\r[#######.......................]  25%  1,000 of 4,000 records"
                + "\r[##############################] 100%  4,000 of 4,000 records"
                + "\rexported 4,000 records to out.csv" + " ".repeat(28) + System.lineSeparator());
    }

    @Test
    void progressWithoutATotalCounts() {
        StringWriter text = new StringWriter();
        new Progress(new PrintWriter(text), null).update(12_345);

        assertThat(text.toString()).isEqualTo("\r12,345 records");
    }
}

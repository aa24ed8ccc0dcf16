package dev.tally.cli.text;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table for people: a header, rows, columns padded to their widest cell, two
 * spaces between columns, numbers aligned right. Cells are cleaned of control characters so a
 * value from a record (an error message, a tag) cannot break the layout or drive the terminal.
 * Not thread-safe.
 */
public final class Table {

    private final List<String> header;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();
    private final java.util.Map<Integer, java.util.function.Function<String, String>> colours = new java.util.HashMap<>();
    private boolean coloured;

    /**
     * @param header column titles
     * @param rightAligned which columns hold numbers (aligned right); may be shorter than the header
     */
    public Table(List<String> header, boolean... rightAligned) {
        this.header = List.copyOf(header);
        this.rightAligned = new boolean[header.size()];
        System.arraycopy(rightAligned, 0, this.rightAligned, 0, Math.min(rightAligned.length, header.size()));
    }

    /** Adds a row; missing cells are empty, extra ones are an error. */
    public Table row(List<String> cells) {
        if (cells.size() > header.size()) {
            throw new IllegalArgumentException("row: " + cells.size() + " cells (expected: at most " + header.size() + ")");
        }
        List<String> clean = new ArrayList<>(header.size());
        for (int i = 0; i < header.size(); i++) {
            clean.add(i < cells.size() ? clean(cells.get(i)) : "");
        }
        rows.add(clean);
        return this;
    }

    /**
     * Colours the cells of {@code column} (not its header): {@code sgr} maps a cell's text to an
     * ANSI SGR parameter such as {@code "32"} (green), or null for none. Only the text is
     * wrapped, after padding, so columns line up as without colour.
     */
    public Table colour(int column, java.util.function.Function<String, String> sgr) {
        colours.put(column, sgr);
        return this;
    }

    /** Whether {@link #colour} applies when printing (off by default). */
    public Table coloured(boolean on) {
        coloured = on;
        return this;
    }

    /** Whether no row was added. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header and the rows, each column as wide as its widest cell. */
    public void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, header, widths, false);
        for (List<String> row : rows) {
            line(out, row, widths, coloured);
        }
    }

    /**
     * Prints with fixed column widths (a longer cell widens only its own line), so tables printed
     * piece by piece, as {@code logs --follow} does, line up. The header only when asked.
     */
    public void print(PrintWriter out, int[] widths, boolean withHeader) {
        if (withHeader) {
            line(out, header, widths, false);
        }
        for (List<String> row : rows) {
            line(out, row, widths, coloured);
        }
    }

    private void line(PrintWriter out, List<String> cells, int[] widths, boolean withColour) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String padding = " ".repeat(Math.max(0, widths[i] - cell.length()));
            String sgr = withColour && colours.containsKey(i) ? colours.get(i).apply(cell) : null;
            String shown = sgr == null ? cell : "\u001b[" + sgr + "m" + cell + "\u001b[0m";
            line.append(i == 0 ? "" : "  ");
            line.append(rightAligned[i] ? padding + shown : shown + padding);
        }
        out.println(line.toString().stripTrailing());
    }

    /** A cell's text with control characters (newlines, escapes) replaced by a space. */
    static String clean(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(value.length());
        value.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        return s.toString();
    }
}

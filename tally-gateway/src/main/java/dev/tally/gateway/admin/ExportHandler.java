package dev.tally.gateway.admin;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * {@code GET /v1/admin/export?format=ndjson|csv}: every call record the logs filters
 * ({@link CallFilters}) match, newest first, streamed. {@code ndjson} (the default) writes each
 * record's canonical JSON on its own line; {@code csv} writes {@link CsvFormat} rows under a
 * header row.
 *
 * <p>Constant memory for any size: records are read {@value #PAGE} at a time through the query
 * API's cursor (stable under concurrent inserts: records newer than the first page are not
 * included, none is written twice) and each page is written and flushed before the next is read;
 * the response is chunked, with no length known in advance. The filters are checked and the first
 * page read before the answer begins, so bad parameters and an unreadable store are still JSON
 * errors; a store failure after that cuts the connection (a truncated file, never a
 * complete-looking one). A client that goes away ends the export. Returns when the last page was
 * written. Thread-safe.
 */
final class ExportHandler implements AdminEndpoint.Action {

    private static final System.Logger LOG = System.getLogger(ExportHandler.class.getName());
    /** Records read per store query. */
    static final int PAGE = 500;
    private static final Set<String> PARAMS = LogsHandler.with(CallFilters.NAMES, "format");

    private enum Format {
        NDJSON("application/x-ndjson", "ndjson"), CSV("text/csv; charset=utf-8", "csv");

        final String contentType;
        final String extension;

        Format(String contentType, String extension) {
            this.contentType = contentType;
            this.extension = extension;
        }
    }

    private final AdminServices services;
    private final LogsHandler logs;

    ExportHandler(AdminServices services) {
        this.services = services;
        this.logs = new LogsHandler(services);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Params params = new Params(req.query(), PARAMS);
        Format format = format(params.text("format"));
        CallQuery query = CallFilters.query(params, services.keys(), PAGE, null);
        Page<ChainedEntry> page = logs.calls(query);
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, format.contentType);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"tally-calls." + format.extension + "\"");
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(res.outputStream(), 64 * 1024)) {
            if (format == Format.CSV) {
                out.write(CsvFormat.header().getBytes(StandardCharsets.UTF_8));
            }
            while (true) {
                for (ChainedEntry entry : page.data()) {
                    write(out, format, entry);
                    written++;
                }
                out.flush();
                if (page.nextCursor() == null) {
                    break;
                }
                page = nextPage(query, page.nextCursor());
            }
        } catch (IOException | UncheckedIOException gone) {
            // The client closed the connection: nothing more to send to anyone.
            LOG.log(Level.DEBUG, "export ended by the client after " + written + " records");
        }
    }

    private Page<ChainedEntry> nextPage(CallQuery query, String cursor) {
        try {
            return services.store().calls(query.after(cursor));
        } catch (RuntimeException e) {
            throw new AdminEndpoint.StreamBroken(e);
        }
    }

    private static void write(OutputStream out, Format format, ChainedEntry entry) throws IOException {
        switch (format) {
            case NDJSON -> {
                EntryJson.write(out, entry);
                out.write('\n');
            }
            case CSV -> out.write(CsvFormat.row((CallRecord) entry.entry()).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Format format(String value) {
        if (value == null) {
            return Format.NDJSON;
        }
        return switch (value) {
            case "ndjson" -> Format.NDJSON;
            case "csv" -> Format.CSV;
            default -> throw ApiException.badParam("format", "format: '" + Params.clip(value)
                    + "' (expected: ndjson or csv)");
        };
    }
}

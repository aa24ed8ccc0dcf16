package dev.tally.cli.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageGroup;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import dev.tally.audit.store.CallTail;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.AuditStore;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.UsageFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads a store directly: the SQLite file of a data directory or the PostgreSQL database a
 * {@code tally.yaml} names, as {@link dev.tally.cli.options.SourceOptions#openStore} opened it. It
 * only reads: on SQLite the queries run on read-only connections, which in WAL mode neither block
 * a gateway writing the same file nor wait for it; on PostgreSQL each read is its own statement or
 * read transaction. Not thread-safe; one per command run. Closing it closes the store.
 */
public final class StoreReader implements AuditReader {

    /** The store file inside a data directory. */
    public static final String DATABASE_FILE = "tally.db";

    /** Keeps nulls and order, as the admin API writes a record's detail. */
    private static final ObjectMapper DETAIL = new ObjectMapper();

    private final String where;
    private final AuditStore store;

    /**
     * Reads {@code store}, named {@code where} in messages (a file, or
     * {@code postgresql://host:port/database}); takes over closing it.
     */
    public StoreReader(String where, AuditStore store) {
        this.where = where;
        this.store = store;
    }

    /** The store itself, for commands that need more than queries. */
    public AuditStore store() {
        return store;
    }

    @Override
    public Page<AuditEntry> calls(CallQuery query) {
        return entries(() -> store.calls(query));
    }

    @Override
    public String tailHead() {
        return reading(() -> CallTail.head(store));
    }

    @Override
    public Tail tail(String position, CallQuery filters) {
        CallTail.Batch batch = reading(() -> CallTail.after(store, position, filters, CallQuery.MAX_LIMIT));
        return new Tail(batch.records().stream().map(e -> (dev.tally.audit.entry.CallRecord) e.entry()).toList(),
                batch.position());
    }

    @Override
    public Page<AuditEntry> events(EventQuery query) {
        return entries(() -> store.events(query));
    }

    /** {@inheritDoc} A store without an outbox has none to list. */
    @Override
    public List<com.fasterxml.jackson.databind.node.ObjectNode> alerts(dev.tally.audit.alert.AlertState state, int limit) {
        if (!(store instanceof dev.tally.audit.alert.AlertOutbox outbox)) {
            return List.of();
        }
        return reading(() -> outbox.alerts(state, limit)).stream().map(dev.tally.gateway.alerts.AlertJson::node).toList();
    }

    /**
     * {@inheritDoc} Grouped by key, each group also names its key in {@code key_name} (null for
     * an id no key has), as the admin API does.
     */
    @Override
    public dev.tally.audit.adjust.UsageAdjustments adjustments(UsageQuery query) {
        return reading(() -> dev.tally.audit.adjust.UsageAdjustments.of(store, query));
    }

    @Override
    public UsageReport usage(UsageQuery query) {
        UsageReport report = reading(() -> store.usage(query));
        if (report.groups().isEmpty() || !report.groups().getFirst().group().containsKey("key")) {
            return report;
        }
        Map<String, String> names = new HashMap<>();
        reading(store::keys).forEach(k -> names.put(k.id(), k.name()));
        List<UsageGroup> groups = new ArrayList<>();
        for (UsageGroup g : report.groups()) {
            Map<String, String> values = new LinkedHashMap<>(g.group());
            String id = values.get("key");
            values.put("key_name", id == null ? null : names.get(id));
            groups.add(new UsageGroup(values, g.stats()));
        }
        return new UsageReport(report.summary(), groups);
    }

    @Override
    public ObjectNode call(String id) {
        Optional<ChainedEntry> found = reading(() -> store.entry(id));
        if (found.isEmpty() || !(found.get().entry() instanceof CallRecord)) {
            throw new CommandFailure("id: '" + id + "' (expected: the id of a call record; none has it in " + where + ")");
        }
        ChainedEntry entry = found.get();
        ObjectNode body;
        try {
            body = (ObjectNode) DETAIL.readTree(entry.canonicalBytes());
        } catch (java.io.IOException e) {
            throw new CommandFailure("id: '" + id + "' has a stored body that is not JSON (" + e.getMessage()
                    + "; expected: canonical JSON; run tally verify)", e);
        }
        body.put("chain", entry.chain());
        body.put("seq", entry.seq());
        body.put("hash", entry.hash());
        Optional<StoredPayload> payload = reading(() -> store.payload(id));
        if (payload.isPresent()) {
            StoredPayload p = payload.get();
            ObjectNode kept = body.putObject("kept_payload");
            kept.put("mode", Json.wire(p.mode()));
            kept.put("request", p.request());
            kept.put("response", p.response());
            kept.put("request_sha256", p.requestSha256());
            kept.put("response_sha256", p.responseSha256());
            kept.put("truncated", p.truncated());
            kept.put("created_at", Json.INSTANT_FORMAT.format(p.createdAt()));
        } else {
            body.putNull("kept_payload");
        }
        CallRecord call = (CallRecord) entry.entry();
        reading(() -> {
            dev.tally.gateway.reprice.RecordAdjustments.addTo(body, call, store);
            return null;
        });
        return body;
    }

    @Override
    public String keyFilter(String idOrName) {
        Optional<VirtualKey> byId = reading(() -> store.key(idOrName));
        if (byId.isPresent()) {
            return byId.get().id();
        }
        // Records of an unknown key (an imported log, a key from another store) still match by id.
        return reading(() -> store.keyByName(idOrName)).map(VirtualKey::id).orElse(idOrName);
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public void close() {
        store.close();
    }

    private static Page<AuditEntry> entries(Supplier<Page<ChainedEntry>> read) {
        Page<ChainedEntry> page = reading(read);
        return new Page<>(page.data().stream().map(ChainedEntry::entry).toList(), page.nextCursor());
    }

    /** Runs a read; a store fault or a rejected cursor becomes a one-line failure. */
    static <T> T reading(Supplier<T> read) {
        try {
            return read.get();
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UsageFailure(e.getMessage(), e);
        }
    }
}

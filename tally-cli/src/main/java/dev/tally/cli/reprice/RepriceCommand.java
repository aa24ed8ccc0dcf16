package dev.tally.cli.reprice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.adjust.RecordPricer;
import dev.tally.audit.adjust.RepriceRequest;
import dev.tally.audit.adjust.Repricer;
import dev.tally.audit.json.Json;
import dev.tally.audit.store.StoreException;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.options.StoppedGateway;
import dev.tally.cli.options.TimeArgument;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.reprice.PricedModels;
import dev.tally.gateway.reprice.RepriceJson;
import dev.tally.gateway.server.Gateway;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally reprice --model M --since T --until T [--dry-run] [--reason TEXT]}: re-prices the
 * calls of requested model {@code M} that started in [since, until) at the current prices, without
 * editing a call: each call whose effective cost changes gets a chained {@code cost_adjustment}
 * event and its {@code cost_adjustments} row (see {@code docs/spend.md}, "Re-pricing"). With
 * {@code --url} through a running gateway ({@code POST /v1/admin/reprice}: its prices, its chain);
 * with {@code --data} and {@code --config} on the store of a stopped gateway, as its chain, at the
 * prices of {@code --config}. Prints the summary as JSON on stdout and one line for people on
 * stderr. Not thread-safe.
 */
@Command(name = "reprice",
        description = {
            "Re-price a model's calls over a time range at the current prices.",
            "Calls are never edited: each change is appended as a chained cost_adjustment, and a second run adds nothing.",
            "Use --url for a running gateway (its prices), --data with --config when it is stopped.",
            "Example: tally reprice --model gpt-4o --since 2026-03-01 --until 2026-04-01 --dry-run"
        })
public final class RepriceCommand implements Callable<Integer> {

    /** How long a run through the gateway may take before the CLI stops waiting (the run goes on). */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Option(names = "--model", required = true, paramLabel = "<model>", description = "The requested model whose calls to re-price.")
    String model;

    @Option(names = "--since", required = true, paramLabel = "<time>",
            description = "From this time: 2026-03-02T10:00:00Z, 2026-03-02, epoch ms, or an age like 30d.")
    String since;

    @Option(names = "--until", required = true, paramLabel = "<time>", description = "Before this time (same forms).")
    String until;

    @Option(names = "--dry-run", description = "Count and sum what would change; append nothing.")
    boolean dryRun;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why, kept in every adjustment (at most 256 characters).")
    String reason;

    @Override
    public Integer call() throws Exception {
        Instant now = Instant.now();
        Instant from = parsed(() -> TimeArgument.parse("--since", since, now));
        Instant to = parsed(() -> TimeArgument.parse("--until", until, now));
        RepriceRequest request = parsed(() -> new RepriceRequest(model, from, to, dryRun, reason, "cli"));
        JsonNode answer = source.remote() ? throughGateway(request) : Json.mapper().valueToTree(RepriceJson.summary(
                onStore(request)));
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.mapper().writeValueAsString(answer));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println((answer.path("dry_run").asBoolean() ? "dry run: would adjust " : "adjusted ")
                + answer.path("adjusted").asLong() + " of " + answer.path("records_seen").asLong() + " calls of "
                + answer.path("model").asText() + ", total " + signed(answer.path("delta_usd").asText()) + " USD ("
                + answer.path("from_unpriced").asLong() + " were unpriced, " + answer.path("unchanged").asLong()
                + " unchanged, " + answer.path("unpriced").asLong() + " still unpriced, "
                + answer.path("kept_priced").asLong() + " without a price now kept as they were)");
        err.flush();
        return TallyCommand.OK;
    }

    private JsonNode throughGateway(RepriceRequest request) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        params.add(new SimpleEntry<>("model", request.model()));
        params.add(new SimpleEntry<>("since", Json.INSTANT_FORMAT.format(request.since())));
        params.add(new SimpleEntry<>("until", Json.INSTANT_FORMAT.format(request.until())));
        if (request.dryRun()) {
            params.add(new SimpleEntry<>("dry_run", "true"));
        }
        if (request.reason() != null) {
            params.add(new SimpleEntry<>("reason", request.reason()));
        }
        return source.client().post("/v1/admin/reprice", params, RUN_TIMEOUT);
    }

    /** Re-prices on the store as the gateway's chain, at {@code --config}'s prices; the gateway must be stopped. */
    private dev.tally.audit.adjust.RepriceSummary onStore(RepriceRequest request) throws InterruptedException {
        GatewayConfig config = source.settings().orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--config: missing (expected: the gateway's configuration file, whose prices"
                        + " re-price the calls, with --data; or --url for a running gateway)"));
        try (StoppedGateway gateway = StoppedGateway.open(source, Optional.of(config), "re-price")) {
            return new Repricer(gateway.store(), gateway.recorder(),
                    new RecordPricer(Gateway.priceBook(config), PricedModels.of(config)), Clock.systemUTC()).run(request);
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage() + " (adjustments committed before stay; run again to finish)", e);
        }
    }

    private static String signed(String usd) {
        return usd.startsWith("-") ? usd : "+" + usd;
    }

    private <T> T parsed(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            for (String name : List.of("model", "since", "until", "reason")) {
                if (message.startsWith(name + ":")) {
                    message = "--" + message;
                }
            }
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}

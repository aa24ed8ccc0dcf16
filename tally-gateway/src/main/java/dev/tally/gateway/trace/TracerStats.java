package dev.tally.gateway.trace;

/**
 * A snapshot of span export counts, for metrics. Spans ended but neither exported nor failed are
 * queued, or were dropped because the export queue was full (export never waits).
 *
 * @param ended spans handed to the export queue since start
 * @param exported spans the OTLP receiver accepted
 * @param failed spans in exports that failed (receiver down, refused, timed out)
 */
public record TracerStats(long ended, long exported, long failed) {
}

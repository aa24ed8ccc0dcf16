package dev.tally.gateway.heads;

/**
 * Counters of {@link HeadPublisher} since start, for metrics. Immutable snapshot.
 *
 * @param published heads written to the file or accepted (2xx) by the URL
 * @param failures failed attempts (each retry counts); logged at most once a minute
 * @param dropped heads dropped unpublished because the queue was full (the oldest goes first)
 * @param pending heads waiting, the one being retried included
 */
public record PublishStats(long published, long failures, long dropped, long pending) {
}

package dev.tally.audit.query;

import java.util.Map;

/**
 * One group of a usage report.
 *
 * @param group the group's values by dimension wire name ({@code model}, {@code day}, {@code tag:tier} ...);
 *     an absent value (e.g. no user) is null
 * @param stats the figures
 */
public record UsageGroup(Map<String, String> group, UsageStats stats) {
}

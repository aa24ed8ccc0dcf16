package dev.tally.audit.query;

import java.util.List;

/** A usage report: the summary over every matching call, and the groups. */
public record UsageReport(UsageStats summary, List<UsageGroup> groups) {

    public UsageReport {
        groups = List.copyOf(groups);
    }
}

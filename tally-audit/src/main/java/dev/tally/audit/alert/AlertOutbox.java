package dev.tally.audit.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The budget-alert outbox of a store (both stores implement it). The store's writer adds rows
 * inside its commits ({@link BudgetCrossings}); a dispatcher per instance claims due rows with a
 * lease, sends them and records the outcome. A lease is taken atomically per row (on PostgreSQL
 * with {@code FOR UPDATE SKIP LOCKED}), so two instances never hold the same row; an outcome is
 * written only by the lease's owner. Thread-safe; every method blocks until its SQL is done.
 */
public interface AlertOutbox {

    /** The budgets that alert from now on, applied by every later commit. */
    void alertRules(AlertRules rules);

    /**
     * Leases up to {@code max} pending alerts due at {@code now} and not leased by anyone else
     * (a lease past its end is free again) to {@code owner} until {@code now + lease}, oldest due first.
     */
    List<BudgetAlert> claimAlerts(String owner, Instant now, Duration lease, int max);

    /** Marks {@code id} delivered; false when {@code owner} no longer holds its lease (nothing changed). */
    boolean alertDelivered(String id, String owner, int attempts, Instant at);

    /** Releases {@code id} for another attempt at {@code next}; false when {@code owner} no longer holds it. */
    boolean alertRetry(String id, String owner, int attempts, Instant next, String error);

    /** Gives {@code id} up; false when {@code owner} no longer holds its lease. */
    boolean alertFailed(String id, String owner, int attempts, Instant at, String error);

    /** The newest alerts first (by crossing time), all states or only {@code state}'s. */
    List<BudgetAlert> alerts(AlertState state, int limit);
}

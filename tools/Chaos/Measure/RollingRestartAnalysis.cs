using Outbound.Bench.Load;
using Outbound.Chaos.Faults;
using Outbound.Silo;
using static System.FormattableString;

namespace Outbound.Chaos.Measure;

/// <summary>
/// What a rolling restart must show beyond the delivery promise: no 5xx from the gateways, every silo stopping by
/// itself on SIGTERM, work placed on every silo once they are all back, and the quota exact across the gateways.
/// </summary>
public static class RollingRestartAnalysis
{
    /// <summary>How long after the SIGKILL the answers count as "around the kill".</summary>
    private static readonly TimeSpan AroundKill = TimeSpan.FromSeconds(30);

    public static ChaosResult Judge(ChaosResult result, ChaosOptions options, RequestLog requests, RunClock clock, FaultSchedule schedule, QuotaCheck? quota)
    {
        quota = quota is null ? null : quota with { OrgGrainKilled = schedule.OrgGrainKilled };
        var answers = Answers(requests, clock, result.Faults.Select(f => f.Fault).ToList());
        var kill = result.Faults.Select(f => f.Fault).FirstOrDefault(f => f.Name == FaultSchedule.Kill);
        double? slowest = kill?.StartedAt is { } killedAt
            ? requests.Records.Where(r => r.AnsweredAt >= killedAt && r.AnsweredAt < killedAt + AroundKill).Select(r => r.LatencyMs / 1000).DefaultIfEmpty().Max()
            : null;
        List<ActivationSnapshot> activations;
        lock (schedule.Activations)
        {
            activations = [.. schedule.Activations];
        }

        var membership = MembershipTiming.Default;
        var rolling = new RollingRestartResult(
            schedule.RollingRestartEndedAt is { } ended ? Math.Round(ended, 1) : null, schedule.DeathDeclaredAfterSeconds,
            slowest is { } s ? Math.Round(s, 2) : null, schedule.UngracefulStops, activations, quota,
            Invariant($"ProbeTimeout {membership.ProbeTimeout.TotalSeconds:0.#} s, NumMissedProbesLimit {membership.MissedProbesLimit}, NumVotesForDeathDeclaration {membership.VotesForDeath}, TableRefreshTimeout {membership.TableRefresh.TotalSeconds:0} s, IAmAliveTablePublishTimeout {membership.IAmAlivePublish.TotalSeconds:0} s")
            + string.Concat(options.SiloEnvironment.Where(e => e.Key.StartsWith("MEMBERSHIP_", StringComparison.Ordinal)).Select(e => $", {e.Key}={e.Value}")));

        var violations = new List<string>(result.Verdict.Violations);
        if (answers.ServerErrors > 0)
        {
            var bySteps = answers.ServerErrorSample.GroupBy(e => e.Step).Select(g => Invariant($"{g.Count()} during {g.Key}"));
            violations.Add(Invariant($"{answers.ServerErrors:N0} 5xx answers from the gateways ({string.Join(", ", bySteps)})"));
        }

        if (schedule.RollingRestartEndedAt is null)
        {
            violations.Add("the rolling restart did not finish");
        }

        if (schedule.UngracefulStops > 0)
        {
            violations.Add(Invariant($"{schedule.UngracefulStops} silos did not exit within {options.StopTimeout.TotalSeconds:0} s of SIGTERM"));
        }

        var noAnswer = result.Load.FinalAnswers.Where(a => a.Key != "429").Sum(a => a.Value);
        if (noAnswer > 0)
        {
            violations.Add(Invariant($"{noAnswer:N0} requests neither accepted nor refused for the quota before the give-up time ({string.Join(", ", result.Load.FinalAnswers.Select(a => $"{a.Key}: {a.Value}"))})"));
        }

        if (activations.LastOrDefault() is not { } last)
        {
            violations.Add("the activations per silo could not be read");
        }
        else if (last.Silos.Where(s => s.Value.SendBatches == 0).Select(s => s.Key).ToList() is { Count: > 0 } idle)
        {
            violations.Add($"{string.Join(", ", idle)} hosted no send batch {last.Name}: the restarted silos took no new work");
        }

        if (options.QuotaRunsOut)
        {
            if (quota is null)
            {
                violations.Add("the quota was never made to run out (the rolling restart outlasted the load: make --duration longer)");
            }
            else if (!quota.HourTurned)
            {
                // Across an hour's turn the count starts again, and the check would compare two hours with one limit.
                if (quota.RefusedRequests == 0)
                {
                    violations.Add(Invariant($"the quota of {quota.Limit:N0} requests never ran out: nothing was refused with 429"));
                }

                // More than the limit is never right; fewer only when the count's own silo was killed (QuotaCheck.OrgGrainKilled).
                if (quota.AcceptedRequests > quota.Limit || (quota.AcceptedRequests < quota.Limit && quota.OrgGrainKilled != true))
                {
                    violations.Add(Invariant($"{quota.AcceptedRequests:N0} requests accepted against an hourly quota of {quota.Limit:N0} (the org's usage says {quota.UsedAtEnd:N0})"));
                }
            }
        }

        return result with { Answers = answers, RollingRestart = rolling, Verdict = new Verdict(violations.Count == 0, violations) };
    }

    /// <summary>Every attempt that was not a 202, by what came back, and each 5xx with the step it fell in.</summary>
    public static GatewayAnswers Answers(RequestLog requests, RunClock clock, IReadOnlyList<FaultRecord> steps)
    {
        var byAnswer = new SortedDictionary<string, long>();
        var serverErrors = new List<ServerErrorAnswer>();
        foreach (var attempt in requests.Attempts.OrderBy(a => a.At))
        {
            var key = attempt.Status switch
            {
                0 => "no answer",
                503 when attempt.RetryAfter => "503 (Retry-After)",
                var status => Invariant($"{status}"),
            };
            byAnswer[key] = byAnswer.GetValueOrDefault(key) + 1;
            if (attempt.Status >= 500)
            {
                var at = clock.SecondsAt(attempt.At);
                var step = steps.FirstOrDefault(s => s.StartSeconds <= at && at <= (s.EndSeconds ?? double.MaxValue));
                serverErrors.Add(new ServerErrorAnswer(Math.Round(at, 1), attempt.Status, attempt.RetryAfter, attempt.Gateway + 1,
                    step is null ? "between steps" : $"{step.Name} ({step.Description.Split(':')[0]})"));
            }
        }

        return new GatewayAnswers(byAnswer, serverErrors.Count, serverErrors);
    }
}

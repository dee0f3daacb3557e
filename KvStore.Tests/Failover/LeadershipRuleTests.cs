using CsCheck;
using KvStore.Node.Failover;

namespace KvStore.Tests.Failover;

public sealed class LeadershipRuleTests
{
    /// <summary>
    /// Safety: whatever the followers' positions and whichever of them answer, a candidate the rule lets lead holds
    /// every index that at least W followers held (every write acknowledged at quorum ≥ W).
    /// </summary>
    [Fact]
    public void A_candidate_allowed_to_lead_has_every_write_acknowledged_at_the_write_quorum()
    {
        var scenario =
            from n in Gen.Int[1, 7]
            from w in Gen.Int[1, n]
            from positions in Gen.Long[0, 30].Array[n]
            from candidate in Gen.Int[0, n - 1]
            from answered in Gen.Bool.Array[n]
            select (n, w, positions, candidate, answered);

        scenario.Sample((n, w, positions, candidate, answered) =>
        {
            var peers = Enumerable.Range(0, n)
                .Where(i => i != candidate && answered[i])
                .Select(i => new PeerPosition($"f{i}", new LogPosition(1, positions[i])));
            var decision = LeadershipRule.Decide(n, w, new LogPosition(1, positions[candidate]), peers);

            // The highest index at least w followers hold: every write acknowledged at quorum w is at or below it.
            var acknowledged = positions.OrderByDescending(p => p).ElementAt(w - 1);
            return !decision.MayLead || positions[candidate] >= acknowledged;
        });
    }

    /// <summary>Liveness: enough answers and no one ahead of the candidate is always enough.</summary>
    [Fact]
    public void The_most_advanced_of_enough_answering_followers_may_lead()
    {
        var scenario =
            from n in Gen.Int[1, 7]
            from w in Gen.Int[0, n]
            from positions in Gen.Long[0, 30].Array[n]
            from answered in Gen.Bool.Array[n]
            select (n, w, positions, answered);

        scenario.Sample((n, w, positions, answered) =>
        {
            var candidate = Array.IndexOf(positions, positions.Max());
            var peers = Enumerable.Range(0, n).Where(i => i != candidate && answered[i])
                .Select(i => new PeerPosition($"f{i}", new LogPosition(1, positions[i]))).ToList();
            var decision = LeadershipRule.Decide(n, w, new LogPosition(1, positions[candidate]), peers);
            return decision.MayLead == (peers.Count + 1 >= LeadershipRule.Required(n, w));
        });
    }

    [Fact]
    public void Five_followers_at_quorum_three_need_three_answers_and_the_most_advanced_leads()
    {
        Assert.Equal(3, LeadershipRule.Required(5, 3));
        Assert.Equal(5, LeadershipRule.Required(5, 1));
        Assert.Equal(1, LeadershipRule.Required(5, 5));

        var self = new LogPosition(2, 10);
        var tooFew = LeadershipRule.Decide(5, 3, self, [new PeerPosition("f2", new LogPosition(2, 9))]);
        Assert.Equal(LeadershipDecision.TooFewPeers, tooFew.Code);

        var behind = LeadershipRule.Decide(5, 3, self,
            [new PeerPosition("f2", new LogPosition(2, 9)), new PeerPosition("f3", new LogPosition(2, 12))]);
        Assert.Equal((false, LeadershipDecision.NotMostAdvanced, "f3"), (behind.MayLead, behind.Code, behind.MostAdvanced));

        // A later epoch wins over a longer log of an earlier one: that tail was never acknowledged in the newer epoch.
        var newerEpoch = LeadershipRule.Decide(5, 3, self,
            [new PeerPosition("f2", new LogPosition(1, 50)), new PeerPosition("f3", new LogPosition(2, 10))]);
        Assert.True(newerEpoch.MayLead);
    }
}

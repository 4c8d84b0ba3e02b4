using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The tracker's connection state machine. The docs say nothing about reconnects; pausing retries while
/// disconnected and re-sending on a new connection are our rules.
/// </summary>
public class LinkStateTests
{
    [Fact]
    public void ATrackerStartsConnectedOnConnectionOne()
    {
        var link = new LinkState();

        Assert.Equal(1, link.Connection);
        Assert.True(link.SendsGoOut);
        Assert.False(link.IsEnded);
        Assert.True(link.RetriesRunOn(1));
        Assert.Equal(DeliveryFailure.None, link.EndFailure);
    }

    [Fact]
    public void ADisconnectPausesRetriesAndQueuesSends()
    {
        var link = new LinkState();

        Assert.True(link.Disconnect());

        Assert.Equal(2, link.Connection);
        Assert.False(link.SendsGoOut);
        Assert.False(link.RetriesRunOn(1));
        Assert.False(link.RetriesRunOn(2));
    }

    [Fact]
    public void AReplayRunsRetriesOnTheNewConnectionOnlyAndQueuesSendsUntilItFinishes()
    {
        var link = new LinkState();
        link.Disconnect();

        Assert.True(link.BeginReplay(out var connection));

        Assert.Equal(3, connection);
        Assert.False(link.SendsGoOut);
        Assert.True(link.RetriesRunOn(connection));
        Assert.False(link.RetriesRunOn(1));

        link.FinishReplay();
        Assert.True(link.SendsGoOut);
        Assert.Equal(connection, link.Connection);
    }

    [Fact]
    public void TheEndIsFinal()
    {
        var link = new LinkState();

        link.End(DeliveryFailure.SessionEnded, "ended");

        Assert.True(link.IsEnded);
        Assert.False(link.SendsGoOut);
        Assert.Equal(2, link.Connection);
        Assert.Equal(DeliveryFailure.SessionEnded, link.EndFailure);
        Assert.Equal("ended", link.EndReason);
        Assert.False(link.Disconnect());
        Assert.False(link.BeginReplay(out _));
        Assert.True(link.IsEnded);
        Assert.Equal(2, link.Connection);
    }
}

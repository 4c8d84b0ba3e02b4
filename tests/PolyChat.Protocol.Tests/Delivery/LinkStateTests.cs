using PolyChat.Protocol.Delivery;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// The tracker's connection state machine. The docs say nothing about reconnects; owing attempts that fall due while
/// disconnected to the next connection is our rule.
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
        Assert.Equal(DeliveryFailure.None, link.EndFailure);
    }

    [Fact]
    public void ADisconnectQueuesSends()
    {
        var link = new LinkState();

        Assert.True(link.Disconnect());

        Assert.Equal(2, link.Connection);
        Assert.False(link.SendsGoOut);
    }

    [Fact]
    public void ANewConnectionQueuesSendsUntilTheOwedAttemptsHaveGone()
    {
        var link = new LinkState();
        link.Disconnect();

        Assert.True(link.BeginReplay(out var connection));

        Assert.Equal(3, connection);
        Assert.False(link.SendsGoOut);

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

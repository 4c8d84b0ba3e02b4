using System;
using System.IO;
using PolyChat.Protocol.Delivery;
using Xunit;

namespace PolyChat.Protocol.Tests;

/// <summary>
/// Which exceptions a timer callback or an update handler's caller may swallow (our rule): any but those that leave the
/// process in an unknown state.
/// </summary>
public class CallbackGuardTests
{
    [Fact]
    public void ExceptionsThatLeaveTheProcessInAnUnknownStateAreNeverSwallowed()
    {
        Assert.False(CallbackGuard.IsRecoverable(new OutOfMemoryException()));
        Assert.False(CallbackGuard.IsRecoverable(new StackOverflowException()));
        Assert.False(CallbackGuard.IsRecoverable(new AccessViolationException()));
    }

    [Fact]
    public void AnyOtherExceptionMayBeSwallowed()
    {
        Assert.True(CallbackGuard.IsRecoverable(new InvalidOperationException()));
        Assert.True(CallbackGuard.IsRecoverable(new IOException()));
        Assert.True(CallbackGuard.IsRecoverable(new InsufficientExecutionStackException()));
    }

    [Fact]
    public void AnUpdateHandlerThrowingAStackOverflowIsNotSwallowed()
    {
        var dispatcher = new UpdateDispatcher(sender: new object());
        dispatcher.Handlers += (_, _) => throw new StackOverflowException("from a handler");
        var message = new TrackedMessage("id-1", DeliveryTestKit.UserMessage("hi"));
        dispatcher.Enqueue(new DeliveryUpdate(message, DeliveryUpdateKind.Sending, DeliveryStatus.Sending, 1));

        Assert.Throws<StackOverflowException>(dispatcher.Dispatch);
    }
}

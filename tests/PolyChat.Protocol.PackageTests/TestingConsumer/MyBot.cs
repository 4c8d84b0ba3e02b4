using PolyChat.Protocol.Client;
using PolyChat.Protocol.Events;

/// <summary>The user's own code under test: asks PolyAI's agent one question and returns its answer.</summary>
public static class MyBot
{
    public static async Task<string> AskAsync(SessionOptions options, string question, CancellationToken cancellationToken = default)
    {
        await using var session = await PolyChatSession.ConnectAsync(options, cancellationToken);
        var greeted = false;
        await foreach (var value in session.ReadEventsAsync(cancellationToken))
        {
            if (value is PolyAgentMessageEvent && !greeted)
            {
                greeted = true;
                await session.SendMessageAsync(question);
            }
            else if (value is PolyAgentMessageEvent { Payload.Text: { } answer })
            {
                return answer;
            }
        }

        throw new InvalidOperationException("The session ended without an answer.");
    }
}

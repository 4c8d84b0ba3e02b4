using System;
using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolyChat.Protocol.Events;
using PolyChat.Protocol.Serialization;

namespace PolyChat.Protocol;

/// <summary>
/// Reads and writes PolyAI events as JSON frames, through the generated converters (no reflection).
/// </summary>
/// <remarks>
/// Every read either returns a complete event or throws <see cref="PolyChatJsonException"/> with the
/// JSON path and byte position; it never returns a half-built object. All members are thread-safe.
/// </remarks>
public static class PolyChatJson
{
    /// <summary>The deepest nesting a frame may have; PolyAI events nest at most a handful of levels.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    // Relaxed escaping: frames go to a WebSocket, never into HTML, and chat text stays readable and small.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = MaxDepth,
    };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Reads one event from a UTF-8 frame.</summary>
    /// <param name="utf8Frame">The frame's bytes: one JSON object.</param>
    /// <returns>The typed event, or an <see cref="UnknownEvent"/> for a type the schema does not list.</returns>
    /// <exception cref="PolyChatJsonException">The frame is not a valid event.</exception>
    public static Event Read(ReadOnlySpan<byte> utf8Frame)
    {
        ThrowIfBlank(utf8Frame);
        var reader = new Utf8JsonReader(utf8Frame, ReaderOptions);
        try
        {
            return ReadFrame(ref reader);
        }
        catch (Exception exception) when (IsReadFailure(exception))
        {
            throw Locate(exception, utf8Frame, reader.TokenStartIndex);
        }
    }

    /// <summary>Reads one event from a UTF-8 frame held in one or more segments.</summary>
    /// <param name="utf8Frame">The frame's bytes: one JSON object.</param>
    /// <returns>The typed event, or an <see cref="UnknownEvent"/> for a type the schema does not list.</returns>
    /// <exception cref="PolyChatJsonException">The frame is not a valid event.</exception>
    public static Event Read(ReadOnlySequence<byte> utf8Frame)
    {
        if (utf8Frame.IsSingleSegment)
        {
            return Read(utf8Frame.FirstSpan);
        }

        var reader = new Utf8JsonReader(utf8Frame, ReaderOptions);
        try
        {
            return ReadFrame(ref reader);
        }
        catch (Exception exception) when (IsReadFailure(exception))
        {
            // Locating the error needs contiguous bytes; this only runs on the error path.
            throw Locate(exception, utf8Frame.ToArray(), reader.TokenStartIndex);
        }
    }

    /// <summary>Reads one event from a frame received as text.</summary>
    /// <param name="frame">The frame: one JSON object.</param>
    /// <returns>The typed event, or an <see cref="UnknownEvent"/> for a type the schema does not list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
    /// <exception cref="PolyChatJsonException">The frame is not a valid event.</exception>
    public static Event Read(string frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(frame.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(frame, buffer);
            return Read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a frame's <c>id</c>, <c>sequence</c> and <c>type</c>, wherever they stand in the object, without
    /// reading the payload into objects and, for UUID ids and known types, without allocating. It lets a
    /// duplicate or stale frame be dropped before the cost of a full read.
    /// </summary>
    /// <param name="utf8Frame">The frame's bytes: one JSON object.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="PolyChatJsonException">The frame is not a JSON object with a string <c>type</c>, or an envelope field has the wrong JSON type.</exception>
    public static EventEnvelope PeekEnvelope(ReadOnlySpan<byte> utf8Frame)
    {
        ThrowIfBlank(utf8Frame);
        var reader = new Utf8JsonReader(utf8Frame, ReaderOptions);
        try
        {
            return EnvelopePeek.Read(ref reader);
        }
        catch (Exception exception) when (IsReadFailure(exception))
        {
            throw Locate(exception, utf8Frame, reader.TokenStartIndex);
        }
    }

    /// <summary>Writes an event with its full envelope, as it would appear on the wire from the server.</summary>
    /// <param name="output">Receives the UTF-8 JSON.</param>
    /// <param name="value">The event.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static void Write(IBufferWriter<byte> output, Event value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        var writer = RentWriter(output);
        EventJsonConverter.WriteValue(writer, value, options: null);
        writer.Flush();
    }

    /// <summary>Writes an event with its full envelope and returns the JSON text.</summary>
    /// <param name="value">The event.</param>
    /// <returns>The frame as a string.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string Write(Event value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Writes an event as a client sends it: only <c>type</c>, <c>payload</c> and <c>metadata</c>, never the
    /// server-assigned <c>id</c>, <c>sequence</c> or <c>timestamp</c>.
    /// </summary>
    /// <param name="output">Receives the UTF-8 JSON.</param>
    /// <param name="value">A client event (its <see cref="Event.Direction"/> is not <see cref="EventDirection.Server"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is an event only the server may send.</exception>
    public static void WriteClientEvent(IBufferWriter<byte> output, Event value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Direction == EventDirection.Server)
        {
            throw new ArgumentException(
                $"{value.Type} is sent only by the server; the server answers a client that sends it with an error.",
                nameof(value));
        }

        var writer = RentWriter(output);
        EventJsonConverter.WriteOutbound(writer, value, options: null);
        writer.Flush();
    }

    /// <summary>Writes a client event (see <see cref="WriteClientEvent(IBufferWriter{byte}, Event)"/>) and returns the JSON text.</summary>
    /// <param name="value">A client event.</param>
    /// <returns>The frame as a string.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is an event only the server may send.</exception>
    public static string WriteClientEvent(Event value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteClientEvent(buffer, value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Event ReadFrame(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new PolyChatJsonException("The frame is empty; an event object was expected.", 0);
        }

        var value = EventJsonConverter.ReadValue(ref reader, options: null);

        // Only whitespace may follow the event; the reader throws on anything else.
        reader.Read();
        return value;
    }

    private static void ThrowIfBlank(ReadOnlySpan<byte> utf8Frame)
    {
        if (utf8Frame.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            throw PolyChatJsonException.Located(
                "The frame is empty; an event object was expected.", utf8Frame.Length, FrameLocation.Find(utf8Frame, utf8Frame.Length), inner: null);
        }
    }

    private static Utf8JsonWriter RentWriter(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }

        return writer;
    }

    private static bool IsReadFailure(Exception exception) =>
        exception is JsonException

            // Utf8JsonReader.GetString throws this for strings that are not valid UTF-8.
            or InvalidOperationException;

    private static PolyChatJsonException Locate(Exception exception, ReadOnlySpan<byte> frame, long currentToken)
    {
        long position;
        string reason;
        switch (exception)
        {
            case PolyChatJsonException ours:
                position = ours.BytePosition;
                reason = ours.Reason;
                break;
            case JsonException { LineNumber: { } line, BytePositionInLine: { } column } json:
                position = FrameLocation.ToOffset(frame, line, column);
                reason = FirstSentence(json.Message);
                break;
            case InvalidOperationException:
                position = currentToken;
                reason = "A string is not valid UTF-8.";
                break;
            default:
                position = currentToken;
                reason = FirstSentence(exception.Message);
                break;
        }

        return PolyChatJsonException.Located(reason, position, FrameLocation.Find(frame, position), exception);
    }

    // System.Text.Json appends its own "LineNumber: … | BytePositionInLine: …" suffix; ours replaces it.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        }

        return cut < 0 ? message : message[..cut];
    }
}

using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Requests the web server refuses before any application code runs (a %00 in the path, a broken request line,
/// headers or a URL beyond its hard limits) get an empty 4xx from Kestrel. This connection filter turns exactly
/// those answers into RFC 9457 problem details like every other error of the API. Kestrel's own refusals are
/// recognisable: a 4xx status line with "Content-Length: 0" and "Connection: close" written as one block on a
/// connection it is about to close; every response of the application carries a body.
/// </summary>
public static class KestrelProblems
{
    public static void UseProblemDetailsForServerErrors(this ListenOptions listen) =>
        listen.Use(next => connection =>
        {
            connection.Transport = new RewritingPipe(connection.Transport);
            return next(connection);
        });

    sealed class RewritingPipe(IDuplexPipe inner) : IDuplexPipe
    {
        public PipeReader Input => inner.Input;
        public PipeWriter Output { get; } = new RewritingWriter(inner.Output);
    }

    sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        Memory<byte> handedOut;

        public override Memory<byte> GetMemory(int sizeHint = 0) => handedOut = inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => (handedOut = inner.GetMemory(sizeHint)).Span;

        public override void Advance(int bytes)
        {
            if (bytes >= MinimumHead && handedOut.Length >= bytes && ServerRefusal(handedOut.Span[..bytes]) is { } status)
            {
                // The refusal is still uncommitted in the inner writer's buffer: write the problem over it.
                var replacement = Problem(status);
                replacement.CopyTo(inner.GetSpan(replacement.Length));
                inner.Advance(replacement.Length);
                return;
            }
            inner.Advance(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;
    }

    static readonly byte[] StatusPrefix = "HTTP/1.1 4"u8.ToArray();
    static readonly byte[] EmptyBody = "\r\nContent-Length: 0\r\n"u8.ToArray();
    static readonly byte[] Closing = "\r\nConnection: close\r\n"u8.ToArray();
    static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    const int MinimumHead = 40;

    /// <summary>The status of a bare refusal written by the server itself, or null for anything else.</summary>
    static int? ServerRefusal(ReadOnlySpan<byte> written)
    {
        if (!written.StartsWith(StatusPrefix) || !written.EndsWith(HeadEnd)) return null;
        if (written.IndexOf(EmptyBody) < 0 || written.IndexOf(Closing) < 0) return null;
        var code = written.Slice(9, 3);
        if (!int.TryParse(code, out var status)) return null;
        return status;
    }

    static byte[] Problem(int status)
    {
        var (title, detail) = status switch
        {
            413 => ("Body too large", "The request body is larger than this service accepts."),
            414 => ("Address too long", "The address is longer than this service accepts; send fewer or shorter query parameters."),
            431 => ("Headers too large", "The request headers are larger than this service accepts."),
            _ => ("Invalid request", "The web server could not read this request: its address or headers are malformed (for example a %00 or a control character in the path)."),
        };
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        });
        var reason = status switch { 413 => "Payload Too Large", 414 => "URI Too Long", 431 => "Request Header Fields Too Large", _ => "Bad Request" };
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/problem+json\r\nContent-Length: {bodyBytes.Length}\r\n" +
                   $"Connection: close\r\nDate: {DateTime.UtcNow:R}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. bodyBytes];
    }
}

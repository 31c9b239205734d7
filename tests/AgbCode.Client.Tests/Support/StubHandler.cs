using System.Net;
using System.Text;

namespace AgbCode.Client.Tests.Support;

/// <summary>An in-memory HTTP handler that answers every request with one recorded body, and keeps the requests.</summary>
internal sealed class StubHandler(string body, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    public static StubHandler FromRecorded(string name, HttpStatusCode status = HttpStatusCode.OK) => new(Recorded.Text(name), status);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken)));
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}

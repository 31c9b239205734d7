using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>TLS comes from Kestrel's standard endpoint configuration; session URLs then say https and wss.</summary>
public class TlsTests
{
    [Fact]
    public async Task An_https_endpoint_from_the_Kestrel_configuration_serves_the_API_and_hands_out_wss_urls()
    {
        string pfx = Path.Combine(Path.GetTempPath(), $"agbcode-tls-{Guid.NewGuid():N}.pfx");
        using (RSA key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "test-password"));
        }
        try
        {
            await using TestServer server = await TestServer.StartWithArgsAsync(
            [
                "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
                $"--Kestrel:Endpoints:Https:Certificate:Path={pfx}",
                "--Kestrel:Endpoints:Https:Certificate:Password=test-password",
            ]);
            Assert.StartsWith("https://127.0.0.1:", server.BaseUrl);
            var session = await server.CreateSessionAsync();
            string id = session["sessionId"]!.GetValue<string>();
            Assert.Equal($"{server.BaseUrl}/link/{id}", session["linkUrl"]!.GetValue<string>());
            Assert.Equal($"wss://{new Uri(server.BaseUrl).Authority}/ws/{id}", session["wsUrl"]!.GetValue<string>());
            await server.DeleteSessionAsync(id);
        }
        finally
        {
            File.Delete(pfx);
        }
    }
}

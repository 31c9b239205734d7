using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AgbCode.Server.Tests.Support;
using AgbCode.Tests.Shared;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgbCode.Server.Tests;

/// <summary>
/// deploy/kubernetes against the server it deploys, offline: every manifest loads into the Kubernetes object model,
/// and a real server started with pod 0's environment reads every AGBCODE_ name the pod sets, accepts every value,
/// answers the probes' path, and shuts down within the pod's grace period. Ports, Services, Ingress hosts and the
/// Secret's keys are checked against each other, the image and docs/deploy.md.
/// </summary>
public sealed partial class DeployManifestTests
{
    private readonly DeployManifests _manifests = new();

    private V1PodTemplateSpec Pod => _manifests.StatefulSet.Spec.Template;

    [Fact]
    public void Every_manifest_loads_and_names_its_object()
    {
        Assert.NotEmpty(_manifests.Objects);
        foreach (var (file, item) in _manifests.Objects)
            Assert.False(string.IsNullOrEmpty(((IMetadata<V1ObjectMeta>)item).Metadata?.Name), $"{file}: an object without a name");
        Assert.Single(_manifests.Ingresses);
        Assert.Single(_manifests.DisruptionBudgets);
    }

    [Fact]
    public async Task A_server_with_pod_0s_environment_reads_every_setting_answers_the_probes_and_stops_in_time()
    {
        Dictionary<string, string> env = _manifests.Environment(0, SecretValue);
        var settings = new RecordingSettings(env.Where(e => e.Key.StartsWith("AGBCODE_", StringComparison.Ordinal)).ToDictionary());
        await using WebApplication app = Program.BuildApp(["--urls", "http://127.0.0.1:0"],
            builder => builder.Logging.ClearProviders(), configuration => configuration.Add(settings));
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            foreach (V1Probe probe in new[] { _manifests.Server.ReadinessProbe, _manifests.Server.LivenessProbe, _manifests.Server.StartupProbe })
            {
                HttpResponseMessage answer = await http.GetAsync(probe.HttpGet.Path);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal(_manifests.ContainerPort(probe.HttpGet.Port), PortOf(env["ASPNETCORE_URLS"]));
            }

            string[] unread = [.. env.Keys.Where(name => name.StartsWith("AGBCODE_", StringComparison.Ordinal) && !settings.Asked.Contains(name))];
            Assert.True(unread.Length == 0, $"The pod sets {string.Join(", ", unread)}, which the server never reads (a misspelt or removed setting).");

            TimeSpan shutdown = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
            Assert.True(Pod.Spec.TerminationGracePeriodSeconds >= shutdown.TotalSeconds,
                $"terminationGracePeriodSeconds {Pod.Spec.TerminationGracePeriodSeconds} is shorter than the server's shutdown ({shutdown.TotalSeconds} s: AGBCODE_SHUTDOWN_GRACE_SEC and sandbox removal).");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public void The_container_port_is_the_one_the_server_listens_on_here_and_in_the_image()
    {
        int port = _manifests.Server.Ports.Single(p => p.Name == "http").ContainerPort;
        Assert.Equal(port, PortOf(_manifests.Server.Env.Single(e => e.Name == "ASPNETCORE_URLS").Value));
        Match imageUrls = ImageListen().Match(File.ReadAllText(RepositoryFiles.PathOf("deploy/image/Containerfile")));
        Assert.True(imageUrls.Success, "deploy/image/Containerfile sets no ASPNETCORE_URLS");
        Assert.Equal(port, PortOf(imageUrls.Groups[1].Value));
    }

    [Fact]
    public void The_state_folder_is_a_volume_where_the_image_declares_it()
    {
        V1VolumeMount state = Assert.Single(_manifests.Server.VolumeMounts, m => m.Name == "state");
        Assert.Contains($"VOLUME {state.MountPath}", File.ReadAllText(RepositoryFiles.PathOf("deploy/image/Containerfile")));
        Assert.Contains(Pod.Spec.Volumes, v => v.Name == "state" && v.EmptyDir is not null);
    }

    [Fact]
    public void Services_and_the_budget_select_the_pods_and_target_the_named_port()
    {
        IDictionary<string, string> labels = Pod.Metadata.Labels;
        V1Service headless = Assert.Single(_manifests.Services, s => s.Metadata.Name == _manifests.StatefulSet.Spec.ServiceName);
        Assert.Equal("None", headless.Spec.ClusterIP);
        foreach (V1Service service in _manifests.Services)
        {
            foreach (var (key, value) in service.Spec.Selector)
                Assert.True(labels.TryGetValue(key, out string? label) && label == value || key == "statefulset.kubernetes.io/pod-name" && OrdinalOf(value) is not null,
                    $"Service {service.Metadata.Name} selects {key}={value}, which no pod of the StatefulSet has");
            Assert.All(service.Spec.Ports, p => Assert.Equal(_manifests.Server.Ports.Single(cp => cp.Name == "http").ContainerPort, _manifests.ContainerPort(p.TargetPort)));
        }
        foreach (V1PodDisruptionBudget budget in _manifests.DisruptionBudgets)
            Assert.All(budget.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, labels[l.Key]));
        Assert.Equal(_manifests.StatefulSet.Spec.Selector.MatchLabels, labels);
    }

    [Fact]
    public void The_peers_are_the_headless_Service_and_each_pods_public_url_reaches_that_pod_through_the_Ingress()
    {
        V1Ingress ingress = _manifests.Ingresses.Single();
        for (int ordinal = 0; ordinal < _manifests.StatefulSet.Spec.Replicas; ordinal++)
        {
            Dictionary<string, string> env = _manifests.Environment(ordinal, SecretValue);
            Assert.Equal($"agbcode-{ordinal}", env["AGBCODE_INSTANCE_ID"]);
            var peers = new Uri(env["AGBCODE_PEERS"]);
            V1Service headless = _manifests.Services.Single(s => s.Metadata.Name == peers.Host);
            Assert.Equal("None", headless.Spec.ClusterIP);
            Assert.Contains(headless.Spec.Ports, p => p.Port == peers.Port);

            var publicUrl = new Uri(env["AGBCODE_PUBLIC_URL"]);
            V1IngressRule rule = Assert.Single(ingress.Spec.Rules, r => r.Host == publicUrl.Host);
            V1IngressServiceBackend backend = Assert.Single(rule.Http.Paths).Backend.Service;
            V1Service service = _manifests.Services.Single(s => s.Metadata.Name == backend.Name);
            Assert.Equal(env["AGBCODE_INSTANCE_ID"], service.Spec.Selector["statefulset.kubernetes.io/pod-name"]);
            Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
            Assert.Contains(ingress.Spec.Tls, tls => tls.Hosts.Any(h => h == publicUrl.Host || h == "*" + publicUrl.Host[publicUrl.Host.IndexOf('.', StringComparison.Ordinal)..]));
        }
    }

    [Fact]
    public void Keys_and_the_peer_secret_come_from_the_Secret_that_docs_deploy_md_says_how_to_make()
    {
        string docs = File.ReadAllText(RepositoryFiles.PathOf("docs/deploy.md"));
        V1EnvVar[] fromSecret = [.. _manifests.Server.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null)];
        Assert.Contains(fromSecret, e => e.Name == "AGBCODE_API_KEYS");
        Assert.Contains(fromSecret, e => e.Name == "AGBCODE_PEER_SECRET");
        Assert.DoesNotContain(_manifests.Server.Env, e => e.Name.Contains("KEY", StringComparison.Ordinal) && e.Value is not null);
        foreach (V1SecretKeySelector key in fromSecret.Select(e => e.ValueFrom.SecretKeyRef))
        {
            Assert.Contains($"kubectl create secret generic {key.Name}", docs);
            Assert.Contains($"--from-literal={key.Key}=", docs);
        }
    }

    private static string SecretValue(string secret, string key) => key switch
    {
        "api-keys" => $"tenant-a:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}",
        _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
    };

    private static int PortOf(string urls) => new Uri(urls.Split(';')[0].Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;

    private int? OrdinalOf(string podName) =>
        Enumerable.Range(0, _manifests.StatefulSet.Spec.Replicas ?? 1).Cast<int?>().FirstOrDefault(i => podName == $"{_manifests.StatefulSet.Metadata.Name}-{i}");

    [GeneratedRegex(@"ASPNETCORE_URLS=(\S+)")]
    private static partial Regex ImageListen();
}

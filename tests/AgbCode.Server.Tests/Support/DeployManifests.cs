using System.Text.RegularExpressions;
using AgbCode.Tests.Shared;
using k8s;
using k8s.Models;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// Every manifest under deploy/kubernetes, loaded into the Kubernetes object model by the KubernetesClient YAML
/// loader (strict: an unknown field fails), and the server container's environment as a pod would get it.
/// </summary>
public sealed partial class DeployManifests
{
    public const string Folder = "deploy/kubernetes";

    public DeployManifests()
    {
        foreach (string file in Directory.GetFiles(RepositoryFiles.PathOf(Folder), "*.yaml").Order(StringComparer.Ordinal))
            foreach (object item in KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true))
                Objects.Add((Path.GetFileName(file), item));
        StatefulSet = Objects.Select(o => o.Item).OfType<V1StatefulSet>().Single();
        Server = StatefulSet.Spec.Template.Spec.Containers.Single(c => c.Name == "server");
    }

    public List<(string File, object Item)> Objects { get; } = [];
    public V1StatefulSet StatefulSet { get; }
    public V1Container Server { get; }
    public IEnumerable<V1Service> Services => Objects.Select(o => o.Item).OfType<V1Service>();
    public IEnumerable<V1Ingress> Ingresses => Objects.Select(o => o.Item).OfType<V1Ingress>();
    public IEnumerable<V1PodDisruptionBudget> DisruptionBudgets => Objects.Select(o => o.Item).OfType<V1PodDisruptionBudget>();

    public int ContainerPort(IntOrString port) =>
        Server.Ports.SingleOrDefault(p => p.Name == port.Value)?.ContainerPort ?? int.Parse(port.Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The server's environment in the pod with this ordinal, expanded as the kubelet does ($(NAME) of an earlier
    /// variable); a value from a Secret is <paramref name="secret"/>(secret name, key).
    /// </summary>
    public Dictionary<string, string> Environment(int ordinal, Func<string, string, string> secret)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (V1EnvVar variable in Server.Env)
        {
            string value = variable.ValueFrom switch
            {
                null => Expand(variable.Value ?? "", env),
                { FieldRef.FieldPath: "metadata.name" } => $"{StatefulSet.Metadata.Name}-{ordinal}",
                { SecretKeyRef: { } key } => secret(key.Name, key.Key),
                _ => throw new InvalidOperationException($"{variable.Name}: a value source this test does not know"),
            };
            env[variable.Name] = value;
        }
        return env;
    }

    private static string Expand(string value, Dictionary<string, string> earlier) =>
        Reference().Replace(value, m => earlier.TryGetValue(m.Groups[1].Value, out string? v) ? v : m.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}

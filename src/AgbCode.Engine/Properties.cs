// The local engine is built on Linux namespaces, cgroups and bubblewrap; callers check OperatingSystem.IsLinux() first.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

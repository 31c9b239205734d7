# Dot-sourced by build.ps1: the Image task, the server's OCI image (docs/deploy.md). Needs root, podman and, for the
# default base, mmdebstrap; builds with Debian's tools only:
#   1. the base root file system: mmdebstrap (minbase, no Recommends, every package of build/image-packages.txt and
#      deploy/image/server-packages.txt) -> podman import; kept under out/image, named by a hash of what went into it,
#      so a second run reuses it;
#   2. deploy/image/Containerfile on that base (or on -ImageBase, e.g. debian:bookworm-slim, where a registry is
#      reachable): the published self-contained server and the entrypoint.

$imageDir = Join-Path $root 'deploy/image'
$imageName = 'localhost/agbcode-server'
$imageSuite = 'bookworm'
$serverPackagesFile = Join-Path $imageDir 'server-packages.txt'

function Read-PackageList([string] $Path) {
    Get-Content -LiteralPath $Path | ForEach-Object { ($_ -replace '#.*$').Trim() } | Where-Object { $_ }
}

function Assert-ImageTool([string] $Tool, [string] $Package) {
    if (-not (Get-Command $Tool -ErrorAction Ignore)) {
        throw "The Image task needs $Tool, which is not installed. Install it: sudo apt-get install --no-install-recommends $Package"
    }
}

# The timestamp files and the image get (SOURCE_DATE_EPOCH): the time of the last commit that changed $Paths (all
# of the repository when none is given), so the same commit builds the same bytes and a base is rebuilt only when its
# package lists change.
function Get-SourceDateEpoch([string[]] $Paths = @()) {
    if ($env:SOURCE_DATE_EPOCH) { return $env:SOURCE_DATE_EPOCH }
    $epoch = git -C $root log -1 --format=%ct -- @Paths 2>$null
    if ($LASTEXITCODE -ne 0 -or -not $epoch) { throw 'The Image task takes its timestamps from git: set SOURCE_DATE_EPOCH when building outside a git checkout.' }
    $epoch.Trim()
}

# The mmdebstrap root file system as a local image, made once per package set, mirror list and timestamp.
function New-DebstrapBase([string[]] $Packages, [string] $Epoch) {
    Assert-ImageTool mmdebstrap mmdebstrap
    if (-not (Test-Path -LiteralPath $ImageSources)) {
        throw "The Debian sources file $ImageSources does not exist. Give -ImageSources a deb822 .sources file (for a pinned build, one that names a dated snapshot of the archive)."
    }
    $recipe = @($imageSuite, 'minbase', $Epoch, (Get-Content -LiteralPath $ImageSources -Raw)) + $Packages
    $key = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($recipe -join "`n"))).Substring(0, 16).ToLowerInvariant()
    $tag = "localhost/agbcode-base:$key"
    & podman image exists $tag
    if ($LASTEXITCODE -eq 0) { Write-Host "Base: $tag (already built)"; return $tag }

    $cache = Join-Path $out 'image'
    New-Item -ItemType Directory -Force -Path $cache | Out-Null
    $tarball = Join-Path $cache "base-$key.tar"
    if (-not (Test-Path -LiteralPath $tarball)) {
        Write-Host "Base: mmdebstrap $imageSuite with $($Packages.Count) packages (downloads them; minutes)"
        $env:SOURCE_DATE_EPOCH = $Epoch
        Invoke-Native 'mmdebstrap' {
            # Manual pages stay: the JDK's postinst links its man page with update-alternatives and fails without them.
            mmdebstrap --quiet --format=tar --variant=minbase --aptopt='APT::Install-Recommends "false"' `
                --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' `
                "--include=$($Packages -join ',')" $imageSuite "$tarball.partial" $ImageSources
        }
        Move-Item -LiteralPath "$tarball.partial" -Destination $tarball
    }
    Invoke-Native 'podman import' { podman import --quiet $tarball $tag | Out-Null }
    Write-Host "Base: $tag (from $tarball)"
    $tag
}

function Invoke-Image {
    if ((id -u) -ne '0') { throw 'The Image task builds with rootful podman and mmdebstrap: run it as root, e.g. sudo dotnet pwsh -File build.ps1 -Task Image.' }
    Assert-ImageTool podman 'podman runc'
    $packages = @(Get-ImagePackage) + @(Read-PackageList $serverPackagesFile)
    $base = if ($ImageBase) { $ImageBase } else { New-DebstrapBase $packages (Get-SourceDateEpoch $imagePackagesFile, $serverPackagesFile) }
    $epoch = Get-SourceDateEpoch

    Invoke-Publish
    $context = Join-Path $out 'image/context'
    if (Test-Path $context) { Remove-Item $context -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $context | Out-Null
    Copy-Item (Join-Path $out 'server/agbcode-server'), (Join-Path $imageDir 'agbcode-entrypoint'), $imagePackagesFile, $serverPackagesFile $context
    foreach ($file in Get-ChildItem $context) { $file.LastWriteTimeUtc = [DateTimeOffset]::FromUnixTimeSeconds([long]$epoch).UtcDateTime }

    $version = $manifest.ModuleVersion
    Invoke-Native 'podman build' {
        podman build --runtime runc --quiet --timestamp $epoch --build-arg "BASE=$base" `
            --file (Join-Path $imageDir 'Containerfile') --tag "${imageName}:$version" --tag "${imageName}:latest" $context | Out-Host
    }
    $size = [long](podman image inspect --format '{{.Size}}' "${imageName}:$version")
    Write-Host ("Image: ${imageName}:$version ({0:N0} MiB, base $base). Run it as docs/deploy.md says." -f ($size / 1MB))
}

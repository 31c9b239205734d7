# Dot-sourced by the local engine service suites (after TestSupport.ps1): throwaway users who are not root, each
# running the built module in a fresh pwsh of their own. Needs root. First $script:userWork = New-LocalUserWorkspace.

# A folder the test users can reach, with copies of pwsh and the module they can read (the pwsh tool lives under /root).
function New-LocalUserWorkspace([string] $Tag) {
    $userWork = "/tmp/$Tag"
    New-Item -ItemType Directory -Path $userWork | Out-Null
    & chmod 0755 $userWork
    Copy-Item $PSHOME "$userWork/pwsh" -Recurse
    Copy-Item $AgbModuleDir "$userWork/AgbCode" -Recurse
    $userWork
}

# A user with a home in the workspace, in the given extra groups.
function New-TestUser([string] $Name, [string[]] $Groups = @()) {
    & useradd --no-create-home --user-group --shell /usr/sbin/nologin $Name
    foreach ($group in $Groups) { & usermod -aG $group $Name }
    $userHome = "$userWork/home-$Name"
    New-Item -ItemType Directory -Path $userHome | Out-Null
    & chown $Name $userHome
    [pscustomobject]@{ Name = $Name; Uid = [int](& id -u $Name); Home = $userHome }
}

function Remove-TestUser($User) {
    & userdel $User.Name
    if (getent group $User.Name) { & groupdel $User.Name }
}

# Starts a script in the built module as the user (with their groups), in a fresh pwsh whose environment holds only
# HOME, PATH and $Environment; output comes as plain text.
# With $Cgroup (a cgroup v2 folder), the process starts in that cgroup.
function Start-AsUser($User, [string] $Script, [hashtable] $Environment = @{}, [string] $Cgroup) {
    $run = [System.Diagnostics.ProcessStartInfo]::new($(if ($Cgroup) { 'sh' } else { 'setpriv' }))
    if ($Cgroup) {
        foreach ($argument in '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', $Cgroup, 'setpriv') { $run.ArgumentList.Add($argument) }
    }
    foreach ($argument in "--reuid=$($User.Name)", "--regid=$($User.Name)", '--init-groups', '--', 'dotnet', "$userWork/pwsh/pwsh.dll",
        '-NoProfile', '-NonInteractive', '-Command',
        "`$ErrorView = 'NormalView'; `$PSStyle.OutputRendering = 'PlainText'; Import-Module $userWork/AgbCode/AgbCode.psd1; $Script") {
        $run.ArgumentList.Add($argument)
    }
    $run.Environment.Clear()
    $run.Environment['HOME'] = $User.Home
    $run.Environment['PATH'] = '/usr/bin:/bin'
    foreach ($name in $Environment.Keys) { $run.Environment[$name] = $Environment[$name] }
    $run.RedirectStandardOutput = $true
    $run.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($run)
}

# Runs it to the end; returns its output and error lines.
function Invoke-AsUser($User, [string] $Script, [hashtable] $Environment = @{}, [string] $Cgroup) {
    $process = Start-AsUser $User $Script $Environment $Cgroup
    $errors = $process.StandardError.ReadToEndAsync()
    $output = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    ($output + $errors.Result) -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ }
}

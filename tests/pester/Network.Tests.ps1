#requires -Version 7.4
# The network only when asked: a session made with -Network reaches what its list names and nothing else; a default
# session has none. The server is a real one on the host's loopback (Python's http.server).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:root = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'served')
    $script:marker = "served-$(New-Guid)"
    Set-Content -NoNewline -Path (Join-Path $root 'marker.txt') -Value $marker
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/python3')
    foreach ($argument in '-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', $root.FullName, '0') { $startInfo.ArgumentList.Add($argument) }
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $script:server = [System.Diagnostics.Process]::Start($startInfo)
    $server.BeginErrorReadLine()
    $script:port = [int]([regex]::Match($server.StandardOutput.ReadLine(), 'port (\d+)').Groups[1].Value)
    $script:fetch = "import urllib.request`ntry:`n    print(urllib.request.urlopen('http://localhost:$port/marker.txt', timeout=20).read().decode())`nexcept OSError as e:`n    print('refused', type(e).__name__)"
}

AfterAll {
    Get-AgbSession -Name "network-*-$PID" | Remove-AgbSession
    $server.Kill(); $server.WaitForExit()
}

Describe 'New-AgbSession -Network' -Tag Local {
    It 'reaches the host server its list names, and says what is open' {
        $s = New-AgbSession -Name "network-allowed-$PID" -Network "localhost:$port"
        (Invoke-AgbCode -Session $s -Language python -Code $fetch -Stream) | Should -Be $marker
        $s.Isolation.Network.Open | Should -HaveCount 1
        $s.Isolation.Network.Open[0] | Should -BeLike "localhost:$port*"
    }

    It 'does not reach it from a session whose list names another port' {
        $s = New-AgbSession -Name "network-other-$PID" -Network "localhost:$($port + 1)"
        (Invoke-AgbCode -Session $s -Language python -Code $fetch -Stream) | Should -BeLike 'refused *'
    }

    It 'does not reach it from a default session, which has no network' {
        $s = New-AgbSession -Name "network-none-$PID"
        (Invoke-AgbCode -Session $s -Language python -Code $fetch -Stream) | Should -BeLike 'refused *'
        $s.Isolation.Network | Should -BeNullOrEmpty
    }

    It 'refuses a bad entry, naming it' {
        { New-AgbSession -Network 'localhost:notaport' -ErrorAction Stop } | Should -Throw -ErrorId 'AgbInvalidNetworkEntry,*'
    }
}

#requires -Version 7.4
# Every cmdlet has complete help: synopsis, description, every parameter described, two examples or more, ErrorIds.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $moduleDir = $AgbModuleDir
    Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
    $script:cmdlets = @((Get-Command -Module AgbCode -CommandType Cmdlet).Name | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:command = Get-Command $Name
    }

    It 'has a real synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*Get-|\[<CommonParameters>\]'
    }

    It 'has a description' {
        ($help.Description.Text -join '').Length | Should -BeGreaterThan 80
    }

    It 'has at least two examples, each with code and remarks' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter, and only real ones' {
        $documented = @($help.Parameters.Parameter)
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common) {
            $entry = $documented | Where-Object Name -EQ $parameter.Name
            $entry | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs help"
            ($entry.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
        }
        foreach ($entry in $documented) { $command.Parameters.Keys | Should -Contain $entry.Name }
    }

    It 'lists its ErrorIds or says what it does not do' {
        ($help.alertSet.alert.Text -join ' ') | Should -Match 'ErrorIds|Nothing is run'
    }
}

Describe 'about_AgbCode' {
    It 'covers getting started, streams, sessions, limits and security' {
        $about = Get-Help about_AgbCode | Out-String
        foreach ($section in 'GETTING STARTED', 'STREAMS', 'SESSIONS', 'REMOTE ENDPOINTS', 'LIMITS', 'SECURITY', 'ERRORS') {
            $about | Should -Match $section
        }
    }
}

#requires -Version 7.4
# Values in and out, as a CI script uses them: -Variable in, .Value out, -ArgumentList for scripts, in every language.
# build.ps1 runs this file a second time against an AgbCode server (AGB_ENDPOINT set): the same journey, remotely.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    Import-Module (Join-Path $AgbModuleDir 'AgbCode.psd1') -Force
    $script:remote = [bool]$env:AGB_ENDPOINT
    $script:session = New-AgbSession
    # PowerShell objects of several kinds: objects, numbers, quotes and Unicode, a UTC date, an enum, a hashtable, an empty list.
    $script:vars = [ordered]@{
        servers   = @([pscustomobject]@{ name = 'web1'; cpu = 91.5 }, [pscustomobject]@{ name = "O'Brien-db"; cpu = 12 })
        threshold = 80
        owner     = "Zoë `"ops`" O'Brien"
        strict    = $true
        since     = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
        day       = [DayOfWeek]::Friday
        tags      = @{ env = 'prod' }
        none      = @()
    }
}

AfterAll {
    $script:session | Remove-AgbSession -ErrorAction Ignore
}

Describe 'A CI script passing values in and reading .Value' {
    It 'gets native variables and returns plain data in <language>' -ForEach @(
        @{ language = 'python'; code = '{"busy": [s["name"] for s in servers if s["cpu"] > threshold], "threshold": threshold, "owner": owner, "strict": strict, "since": since, "day": day, "env": tags["env"], "none": len(none)}' }
        @{ language = 'javascript'; code = '({ busy: servers.filter(s => s.cpu > threshold).map(s => s.name), threshold, owner, strict, since, day, env: tags.env, none: none.length })' }
        @{ language = 'r'; code = 'list(busy = I(servers$name[servers$cpu > threshold]), threshold = threshold, owner = owner, strict = strict, since = since, day = day, env = tags$env, none = length(none))' }
        @{ language = 'java'; code = 'var busy = new java.util.ArrayList<Object>(); for (Object s : servers) { var m = (java.util.Map<?, ?>) s; if (((Number) m.get("cpu")).doubleValue() > threshold) busy.add(m.get("name")); }
var out = new java.util.LinkedHashMap<String, Object>(); out.put("busy", busy); out.put("threshold", threshold); out.put("owner", owner); out.put("strict", strict); out.put("since", since); out.put("day", day); out.put("env", tags.get("env")); out.put("none", none.size());
out' }
    ) {
        $r = Invoke-AgbCode -Session $session -Language $language -Variable $vars -Code $code -Quiet
        $r.Success | Should -BeTrue -Because $r.ErrorMessage
        # .Value is what ConvertFrom-Json gives: the ISO date text comes back as a [datetime], as it would there
        $value = $r.Value
        $value.busy | Should -Be @('web1')
        $value.threshold | Should -Be 80
        $value.owner | Should -BeExactly "Zoë `"ops`" O'Brien"
        $value.since | Should -BeOfType [datetime]
        $value.since.ToUniversalTime() | Should -Be $vars.since
        $value.day | Should -Be 'Friday'
        $value.env | Should -Be 'prod'
        $value.none | Should -Be 0
        $r.Results.Where({ $_.IsMainResult })[0].Value.owner | Should -BeExactly $value.owner
    }

    It 'keeps a whole number a real when Python computed it as one, as ConvertFrom-Json reads the JSON' {
        $value = (Invoke-AgbCode -Session $session -Language python -Code '[21.0, 10.5, 21, 2**53 + 1]' -Quiet).Value
        @($value | ForEach-Object { $_.GetType().Name }) | Should -Be @('Double', 'Double', 'Int64', 'Int64')
        $value[3] | Should -Be 9007199254740993   # a long stays exact
    }

    It 'keeps Java''s doubles reals and its integers integers' {
        $value = (Invoke-AgbCode -Session $session -Language java -Code 'java.util.List.of(21.0, 21, 21L, 10.5f)' -Quiet).Value
        @($value | ForEach-Object { $_.GetType().Name }) | Should -Be @('Double', 'Int64', 'Int64', 'Double')
        (Invoke-AgbCode -Session $session -Language java -Code '21.0' -Quiet).Value | Should -BeOfType [double]
    }

    It 'keeps R''s doubles reals and its integers integers, in a data frame and bare' {
        $rows = (Invoke-AgbCode -Session $session -Language r -Code 'data.frame(cpu = c(21, 10.5), n = c(3L, 4L))' -Quiet).Value
        @($rows | ForEach-Object { "$($_.cpu.GetType().Name) $($_.n.GetType().Name)" }) | Should -Be @('Double Int64', 'Double Int64')
        (Invoke-AgbCode -Session $session -Language r -Code '21' -Quiet).Value | Should -BeOfType [double]
        (Invoke-AgbCode -Session $session -Language r -Code '21L' -Quiet).Value | Should -BeOfType [long]
    }

    It 'gives a [double] that holds a whole number to <language> as a real' -ForEach @(
        @{ language = 'python'; code = 'total / 2, type(total).__name__' ; expected = @(10.5, 'float') }
        @{ language = 'java'; code = 'java.util.List.of(total / 2, ((Object) total).getClass().getSimpleName())'; expected = @(10.5, 'Double') }
    ) {
        $r = Invoke-AgbCode -Session $session -Language $language -Variable @{ total = [double]21 } -Code $code -Quiet
        $r.Value | Should -Be $expected -Because $r.ErrorMessage   # not 10 (integer division) and not int/Long
    }

    It 'keeps JSON as JSON in ConvertTo-Json' {
        $r = Invoke-AgbCode -Session $session -Language python -Code '{"a": [1, 2], "b": None}' -Quiet
        $json = $r | ConvertTo-Json -Depth 5
        $json | Should -Not -Match 'ValueKind'
        ($json | ConvertFrom-Json).Results[0].Json.a | Should -Be @(1, 2)
    }

    It 'gives $null as .Value when the run has no JSON result' {
        (Invoke-AgbCode -Session $session -Language python -Code 'print("only output")' -Quiet).Value | Should -BeNullOrEmpty
        (Invoke-AgbCode -Session $session -Language python -Code 'object()' -Quiet).Value | Should -BeNullOrEmpty
    }

    It 'keeps a one-element list a list in .Value' {
        $value = (Invoke-AgbCode -Session $session -Language javascript -Code '[42]' -Quiet).Value
        $value.GetType().IsArray | Should -BeTrue
        $value.Count | Should -Be 1
    }

    It 'refuses a name the language cannot hold, before anything runs' {
        { Invoke-AgbCode -Session $session -Language python -Variable @{ 'my.value' = 1 } -Code 'print("ran")' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbInvalidVariableName,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
    }

    It 'refuses values over the size limit and names the setting' {
        $err = { Invoke-AgbCode -Session $session -Language python -Variable @{ data = 'x' * 2MB } -Code 'len(data)' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgbVariableTooLarge,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand' -PassThru
        $err.ErrorDetails.RecommendedAction + $err.Exception.Message + "$($err.ErrorDetails)" | Should -Match 'AGBCODE_MAX_VARIABLE_BYTES'
    }
}

Describe 'A script run with -ArgumentList' {
    It 'sees its arguments and its own name in <language>' -ForEach @(
        @{ language = 'python'; file = 'report.py'; code = 'import sys, json; print(json.dumps([sys.argv, __file__]))'; expected = '[["report.py", "2026-01", "eu west"], "report.py"]' }
        @{ language = 'javascript'; file = 'report.js'; code = 'console.log(JSON.stringify([process.argv.slice(2), __filename]))'; expected = '[["2026-01","eu west"],"report.js"]' }
        @{ language = 'r'; file = 'report.R'; code = 'cat(commandArgs(trailingOnly = TRUE), sub("--file=", "", grep("^--file=", commandArgs(), value = TRUE)), sep = "|")'; expected = '2026-01|eu west|report.R' }
        @{ language = 'java'; file = 'Report.java'; code = 'System.out.print(String.join("|", args))'; expected = '2026-01|eu west' }
    ) {
        $path = Join-Path $TestDrive $file
        Set-Content -LiteralPath $path -Value $code
        $r = Invoke-AgbCode -Session $session -Path $path -ArgumentList '2026-01', 'eu west' -Quiet
        $r.Success | Should -BeTrue -Because $r.ErrorMessage
        $r.Stdout.Trim() | Should -BeExactly $expected
    }
}

Describe 'A session with -Environment' {
    It 'gives its kernels the variables and none of the host''s; a remote endpoint refuses it and says why' {
        if ($remote) {
            { New-AgbSession -Environment @{ REGION = 'eu-1' } -ErrorAction Stop } |
                Should -Throw -ErrorId 'AgbEnvironmentNotSupported,AgbCode.PowerShell.Cmdlets.NewAgbSessionCommand'
            return
        }
        $env:AGBCODE_JOURNEY_HOST_ONLY = 'leaked'
        try {
            $s = New-AgbSession -Environment @{ REGION = 'eu-1' }
            $r = Invoke-AgbCode -Session $s -Language python -Code 'import os; [os.environ.get("REGION"), os.environ.get("AGBCODE_JOURNEY_HOST_ONLY")]' -Quiet
            $r.Value[0] | Should -Be 'eu-1'
            $r.Value[1] | Should -BeNullOrEmpty
        }
        finally {
            Remove-Item Env:AGBCODE_JOURNEY_HOST_ONLY
            $s | Remove-AgbSession -ErrorAction Ignore
        }
    }
}

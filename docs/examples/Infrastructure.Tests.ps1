#requires -Version 7.4
# A sample Pester infrastructure test: data checks written in Python, run in a sandbox, asserted in Pester.
# Run it with Invoke-Pester ./docs/examples/Infrastructure.Tests.ps1 (CI runs it too).
BeforeAll {
    Import-Module $(if ($env:AGBCODE_TEST_MODULE) { Join-Path $env:AGBCODE_TEST_MODULE 'AgbCode.psd1' } else { 'AgbCode' })
    $script:session = New-AgbSession -Name 'infra-checks' -Language python -ErrorAction Stop
    # the data under test; in real use, copy an export into the session or fetch it in an earlier step
    Invoke-AgbCode -Session $session -Language py -Quiet -Code @'
import csv
rows = [{'order': 1, 'total': 12.5}, {'order': 2, 'total': 7.0}, {'order': 3, 'total': 30.25}]
with open('orders.csv', 'w', newline='') as f:
    writer = csv.DictWriter(f, fieldnames=['order', 'total']); writer.writeheader(); writer.writerows(rows)
'@ | Out-Null
}

AfterAll {
    Remove-AgbSession -Session $session
}

Describe 'The orders export' {
    It 'parses' {
        $result = Invoke-AgbCode -Session $session -Language py -Quiet -Code "import csv`norders = list(csv.DictReader(open('orders.csv')))`nlen(orders)"
        $result.Success | Should -BeTrue -Because $result.ErrorMessage
        [int]$result.Text | Should -Be 3
    }

    It 'has no negative totals' {
        $result = Invoke-AgbCode -Session $session -Language py -Quiet -Code "sum(1 for o in orders if float(o['total']) < 0)"
        [int]$result.Text | Should -Be 0
    }

    It 'adds up' {
        $result = Invoke-AgbCode -Session $session -Language py -Quiet -Code "round(sum(float(o['total']) for o in orders), 2)"
        [double]$result.Text | Should -Be 49.75
    }
}

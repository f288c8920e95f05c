using CxrVL.Cli.Infrastructure;

namespace CxrVL.Tests.Cli;

/// <summary>Runs the <c>cxrvl</c> command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}

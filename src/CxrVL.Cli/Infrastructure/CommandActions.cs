using System.CommandLine;

namespace CxrVL.Cli.Infrastructure;

internal static class CommandActions
{
    /// <summary>
    /// Sets the command's action: user errors (<see cref="CxrVLException"/>) print their message and exit 2; any
    /// other exception is a bug and prints its stack trace, exit 1.
    /// </summary>
    public static Command WithAction(this Command command, Func<CommandContext, int> action)
    {
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                return action(new CommandContext(parseResult, output, error));
            }
            catch (CxrVLException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (Exception e)
            {
                error.WriteLine($"internal error: {e.Message}");
                error.WriteLine(e);
                return 1;
            }
        });
        return command;
    }
}

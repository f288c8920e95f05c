using CxrVL.Cli.Infrastructure;

return CliApp.Run(args);

"""The web app officers and admins work in: server-rendered pages over the same use cases as
the command line. It only translates: forms into use-case calls, results into Dutch pages."""

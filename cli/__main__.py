from cli.main import main

if __name__ == "__main__":  # not when a helper process imports it
    main()
